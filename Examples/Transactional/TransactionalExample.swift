// Placeholder: the transactional consume → transform → produce example lands with the producer-depth work.
@main
struct TransactionalExample {
    static func main() {
        print("not yet implemented")
    }
}
