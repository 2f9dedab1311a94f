// Typed, non-variadic wrappers around libcurl's variadic option/info calls,
// which Swift cannot import.
#ifndef CCURLSHIM_H
#define CCURLSHIM_H
#include <curl/curl.h>

CURLcode pg2sr_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode pg2sr_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode pg2sr_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode pg2sr_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode pg2sr_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode pg2sr_curl_setopt_read_function(CURL *handle, curl_read_callback callback);
CURLcode pg2sr_curl_setopt_write_function(CURL *handle, curl_write_callback callback);
CURLcode pg2sr_curl_setopt_header_function(CURL *handle, curl_write_callback callback);
CURLcode pg2sr_curl_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback callback);
CURLcode pg2sr_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode pg2sr_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value);
CURLcode pg2sr_curl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value);
#endif
