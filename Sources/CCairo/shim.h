#ifndef ALFA_CCAIRO_SHIM_H
#define ALFA_CCAIRO_SHIM_H
#include <cairo/cairo.h>
#endif
