#ifndef ALFA_CCURL_SHIM_H
#define ALFA_CCURL_SHIM_H
#include <curl/curl.h>

// Swift cannot call C variadic functions: one typed wrapper per argument kind.
static inline CURLcode alfa_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode alfa_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode alfa_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode alfa_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*alfa_curl_write_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode alfa_curl_setopt_write_function(CURL *handle, alfa_curl_write_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}
static inline CURLcode alfa_curl_setopt_header_function(CURL *handle, alfa_curl_write_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}
typedef int (*alfa_curl_xferinfo_callback)(void *context, curl_off_t download_total, curl_off_t download_now,
                                           curl_off_t upload_total, curl_off_t upload_now);
static inline CURLcode alfa_curl_setopt_xferinfo_function(CURL *handle, alfa_curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}
static inline CURLcode alfa_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
#endif
