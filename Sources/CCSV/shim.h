#ifndef PADDOCK_CCSV_SHIM_H
#define PADDOCK_CCSV_SHIM_H
#include <csv.h>

/* libcsv asks its space function about every byte of an unquoted field (to trim spaces). Paddock keeps
   spaces, so this says no; being C, the call costs no Swift thunk. */
static inline int paddock_csv_no_space(unsigned char c) {
    (void)c;
    return 0;
}
#endif
