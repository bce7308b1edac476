#ifndef ASYNCKAFKA_CRDKAFKA_SHIM_H
#define ASYNCKAFKA_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#endif
