#ifndef LAYERS_CCURL_H
#define LAYERS_CCURL_H
// Non-variadic shims around libcurl for Swift. curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt are
// variadic C functions, which Swift cannot call, and several curl constants are macros Swift cannot import.
#include <curl/curl.h>
#include <stddef.h>

// MARK: easy handle options
CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_easy_setopt_write_function(CURL *handle, curl_write_callback callback);
CURLcode ccurl_easy_setopt_header_function(CURL *handle, curl_write_callback callback);

// MARK: easy handle info
CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode ccurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

// MARK: multi handle options
CURLMcode ccurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

// MARK: multi socket interface (curl_multi_socket_action driven by the caller's event loop)
CURLMcode ccurl_multi_setopt_socket_function(CURLM *handle, curl_socket_callback callback);
CURLMcode ccurl_multi_setopt_timer_function(CURLM *handle, curl_multi_timer_callback callback);
CURLMcode ccurl_multi_setopt_pointer(CURLM *handle, CURLMoption option, void *value);

// MARK: pausing (the macros are not importable)
CURLcode ccurl_easy_unpause(CURL *handle);
/// The value a write callback returns to pause the transfer (CURL_WRITEFUNC_PAUSE).
size_t ccurl_writefunc_pause(void);

// MARK: constants that are macros in curl.h
long ccurl_http_version_2tls(void);
long ccurl_pipe_multiplex(void);
#endif
