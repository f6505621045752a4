#ifndef ALFA_CLIBPQ_SHIM_H
#define ALFA_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
