// accept4 is a GNU extension; the header only declares this wrapper.
#define _GNU_SOURCE
#include <sys/socket.h>
#include "CLayersHTTP.h"

int clayers_accept_nonblocking(int fd, struct sockaddr *address, socklen_t *length) {
    return accept4(fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
