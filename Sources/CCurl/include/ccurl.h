#ifndef LAYERS_CCURL_H
#define LAYERS_CCURL_H
#include <curl/curl.h>
#endif
