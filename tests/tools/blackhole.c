/*
 * blackhole - a DNS server that never answers, for timeout tests.
 *
 *   blackhole ADDR PORT [SECONDS]
 *
 * Binds UDP and TCP on ADDR PORT, reads and drops datagrams, accepts TCP
 * connections and holds them open without a word, and exits by itself
 * after SECONDS (default 60) so that no test can leave it behind. Prints
 * "ready" on stdout once bound.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define HELD_MAX	64

static int	bind_one(int type, const struct sockaddr *sa, socklen_t len);

/* bind_one - a bound socket of the given type, or -1 */
static int
bind_one(int type, const struct sockaddr *sa, socklen_t len)
{
	int fd, one = 1;

	fd = socket(sa->sa_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, sa, len) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0)) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	struct pollfd		 pfd[2];
	socklen_t		 len;
	unsigned long		 port, secs = 60;
	time_t			 end;
	char			 buf[65536];
	int			 held[HELD_MAX], nheld = 0, udp, tcp, fd, i;

	if (argc < 3) {
		fprintf(stderr, "usage: blackhole ADDR PORT [SECONDS]\n");
		return 2;
	}
	port = strtoul(argv[2], NULL, 10);
	if (argc > 3) {
		secs = strtoul(argv[3], NULL, 10);
	}
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, argv[1], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, argv[1], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		len = sizeof(*sin6);
	} else {
		fprintf(stderr, "blackhole: bad address\n");
		return 2;
	}
	udp = bind_one(SOCK_DGRAM, (struct sockaddr *)&ss, len);
	tcp = bind_one(SOCK_STREAM, (struct sockaddr *)&ss, len);
	if (udp < 0 || tcp < 0) {
		fprintf(stderr, "blackhole: bind: %s\n", strerror(errno));
		return 1;
	}
	printf("ready\n");
	(void)fflush(stdout);
	end = time(NULL) + (time_t)secs;
	while (time(NULL) < end) {
		pfd[0].fd = udp;
		pfd[0].events = POLLIN;
		pfd[1].fd = tcp;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, 500) <= 0) {
			continue;
		}
		if (pfd[0].revents & POLLIN) {
			(void)recv(udp, buf, sizeof(buf), 0);
		}
		if (pfd[1].revents & POLLIN) {
			fd = accept(tcp, NULL, NULL);
			if (fd >= 0 && nheld < HELD_MAX) {
				held[nheld++] = fd;
			} else if (fd >= 0) {
				(void)close(fd);
			}
		}
	}
	for (i = 0; i < nheld; i++) {
		(void)close(held[i]);
	}
	return 0;
}
