// Linux system headers that Swift's Glibc module does not export, for LayersHTTP's event loop.
#ifndef C_LAYERS_HTTP_H
#define C_LAYERS_HTTP_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

/// accept4(SOCK_NONBLOCK | SOCK_CLOEXEC); accept4 needs _GNU_SOURCE, so it lives in shim.c.
int clayers_accept_nonblocking(int fd, struct sockaddr *address, socklen_t *length);

#endif
