#ifndef PADDOCK_CLIBCRYPTO_SHIM_H
#define PADDOCK_CLIBCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
