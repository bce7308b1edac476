// Placeholder: the kcat-style command-line tool lands with the ecosystem work.
@main
struct AKCat {
    static func main() {
        print("akcat: not yet implemented")
    }
}
