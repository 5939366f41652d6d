#ifndef PADDOCK_CCSV_SHIM_H
#define PADDOCK_CCSV_SHIM_H
#include <csv.h>
#endif
