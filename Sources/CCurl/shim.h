#ifndef PADDOCK_CCURL_SHIM_H
#define PADDOCK_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed wrapper per
   argument type. */
static inline CURLcode paddock_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode paddock_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode paddock_curl_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode paddock_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode paddock_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*paddock_curl_data_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode paddock_curl_setopt_callback(CURL *h, CURLoption o, paddock_curl_data_callback v) { return curl_easy_setopt(h, o, v); }

static inline CURLcode paddock_curl_setopt_prereq(CURL *h, curl_prereq_callback v) { return curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, v); }

static inline CURLcode paddock_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }

static inline CURLcode paddock_curl_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }
#endif
