#ifndef PADDOCK_CYAML_SHIM_H
#define PADDOCK_CYAML_SHIM_H
#include <yaml.h>
#endif
