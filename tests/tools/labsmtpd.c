/*
 * labsmtpd.c - the lab's STARTTLS test server: a small SMTP server that can
 * behave well or misbehave on purpose, so that mxdane's probe, the lab and
 * posttls-finger can be pointed at every kind of broken mail server.
 *
 * It is not a mail server: it accepts a message and discards it (the size
 * is logged). One process, one libevent loop, non-blocking sockets, many
 * connections at once; every read is bounded (512 octets per command line,
 * RFC 5321 §4.5.3.1.4; 1000 per message line; 10 MB per message) and every
 * connection has an idle timeout. SIGTERM or SIGINT: close everything,
 * remove the pidfile, exit 0. It runs in the foreground.
 *
 * Interface (lab scripts rely on it; keep it stable):
 *
 *   labsmtpd --listen ADDR:PORT [--listen ...]     IPv6 as [ADDR]:PORT
 *            --cert PEM --key PEM [--cert PEM --key PEM]
 *                      up to four pairs (e.g. RSA and ECDSA at once); a
 *                      --cert file may hold a chain: the leaf first, then
 *                      the issuers to send. Each --key follows its --cert.
 *            --hostname NAME       banner and EHLO name (default localhost)
 *            --mode MODE           (default good)
 *                good               STARTTLS offered and working
 *                no-starttls        EHLO without STARTTLS; STARTTLS is 502
 *                starttls-refused   STARTTLS offered, answered 454
 *                handshake-fail     220 to STARTTLS, then bytes that are not
 *                                   a ServerHello, then close
 *                handshake-stall    220 to STARTTLS, then silence
 *                slow               every reply delayed by --delay-ms
 *                garbage            non-SMTP bytes as banner and replies
 *                endless-multiline  EHLO answered by 250- lines until the
 *                                   per-connection cap (100000 lines)
 *                long-line          an EHLO reply line of 8000 octets
 *                silent             accept, never send a banner
 *            --delay-ms N          slow mode delay (default 2000)
 *            --tls-min V --tls-max V   V is 1.0, 1.1, 1.2 or 1.3 (default
 *                                   1.2 to 1.3); below 1.2 the OpenSSL
 *                                   security level is set to 0
 *            --security-level N    OpenSSL security level 0-5 (default:
 *                                   the system's); 0 loads the RSA keys
 *                                   under 2048 bits that OpenSSL 3 refuses
 *            --pidfile FILE        written once every listener is bound:
 *                                   its existence means "ready"
 *            --log FILE            append a log there (default stderr)
 *            --max-conns N         more connections get 421 (default 256)
 *            --idle-timeout S      seconds without progress (default 30)
 *            --help
 *
 * Exit status: 0 after SIGTERM/SIGINT, 64 usage, 66 a certificate or key
 * cannot be loaded, 69 a listener cannot be bound, 70 internal error.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/mxd.h"

#define LINE_CMD_MAX	512		/* RFC 5321 §4.5.3.1.4, with CRLF */
#define LINE_DATA_MAX	1000		/* RFC 5321 §4.5.3.1.6, with CRLF */
#define MSG_MAX		(10UL * 1024 * 1024)
#define ENDLESS_MAX	100000UL	/* 250- lines per connection */
#define LONG_LINE	8000
#define MAX_LISTEN	16
#define MAX_CERTS	4
#define READ_HIGHWAT	16384

enum mode {
	M_GOOD, M_NO_STARTTLS, M_STARTTLS_REFUSED, M_HANDSHAKE_FAIL,
	M_HANDSHAKE_STALL, M_SLOW, M_GARBAGE, M_ENDLESS, M_LONG_LINE,
	M_SILENT,
};

static const char *const mode_names[] = {
	"good", "no-starttls", "starttls-refused", "handshake-fail",
	"handshake-stall", "slow", "garbage", "endless-multiline",
	"long-line", "silent",
};

/* What one connection is doing. */
enum cstate {
	C_CMD,		/* reading commands */
	C_DATA,		/* reading a message after 354 */
	C_TLS_WAIT,	/* 220 to STARTTLS queued; handshake once flushed */
	C_HANDSHAKE,	/* TLS handshake under way */
	C_HS_FAIL,	/* waiting for the ClientHello, to answer garbage */
	C_STALL,	/* reading and dropping everything */
	C_ENDLESS,	/* writing 250- lines as the output drains */
	C_CLOSING,	/* close once the output is flushed */
};

struct server {
	struct event_base	*base;
	SSL_CTX			*ssl_ctx;	/* NULL: no certificate */
	enum mode		 mode;
	const char		*hostname;
	unsigned long		 delay_ms;
	unsigned long		 max_conns;
	unsigned long		 idle_s;
	unsigned long		 nconns;
	unsigned long		 next_id;
	FILE			*log;
	struct conn		*conns;		/* all open connections */
};

struct conn {
	struct server		*srv;
	struct bufferevent	*bev;		/* socket, or TLS over it */
	enum cstate		 state;
	unsigned long		 id;
	char			 peer[64];
	int			 tls;
	int			 helo;		/* EHLO/HELO seen */
	int			 mail;		/* MAIL accepted */
	unsigned		 rcpts;
	int			 skipping;	/* dropping an over-long line */
	size_t			 msg_len;
	int			 msg_too_big;
	unsigned long		 endless_sent;
	struct evbuffer		*pending;	/* slow mode: delayed replies */
	struct event		*delay;
	struct event		*linger;	/* closing: wait for the flush */
	unsigned		 linger_ticks;
	struct conn		*next;
	struct conn		*prev;
};

static void	logmsg(struct server *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	usage(FILE *);
static int	parse_listen(const char *, struct sockaddr_storage *,
		    int *);
static int	parse_tls_version(const char *);
static SSL_CTX	*tls_ctx_new(const char **, const char **, int, int, int,
		    int);
static void	accept_cb(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	conn_free(struct conn *);
static void	conn_reply(struct conn *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	conn_send(struct conn *, const void *, size_t);
static void	conn_set_bev(struct conn *, struct bufferevent *);
static void	conn_read_cb(struct bufferevent *, void *);
static void	conn_write_cb(struct bufferevent *, void *);
static void	conn_event_cb(struct bufferevent *, short, void *);
static void	conn_delay_cb(evutil_socket_t, short, void *);
static int	conn_delayed(const struct conn *);
static int	conn_flushed(const struct conn *);
static void	conn_close(struct conn *);
static void	conn_linger_cb(evutil_socket_t, short, void *);
static void	conn_line(struct conn *, char *, size_t);
static void	conn_command(struct conn *, char *);
static void	conn_data_line(struct conn *, const char *, size_t);
static void	conn_ehlo(struct conn *, const char *);
static void	conn_starttls(struct conn *);
static void	conn_tls_begin(struct conn *);
static void	conn_endless_more(struct conn *);
static void	signal_cb(evutil_socket_t, short, void *);

/* logmsg - one time-stamped line in the log */
static void
logmsg(struct server *srv, const char *fmt, ...)
{
	struct timeval	tv;
	struct tm	tm;
	char		ts[32];
	va_list		ap;

	if (srv->log == NULL) {
		return;
	}
	(void)gettimeofday(&tv, NULL);
	(void)gmtime_r(&tv.tv_sec, &tm);
	(void)strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	(void)fprintf(srv->log, "%s.%03ld labsmtpd[%ld]: ", ts,
	    (long)(tv.tv_usec / 1000), (long)getpid());
	va_start(ap, fmt);
	(void)vfprintf(srv->log, fmt, ap);
	va_end(ap);
	(void)fputc('\n', srv->log);
	(void)fflush(srv->log);
}

/* usage - the synopsis, as in the comment at the top of this file */
static void
usage(FILE *fp)
{
	(void)fputs(
	    "usage: labsmtpd --listen ADDR:PORT [--listen ...]  (IPv6: [ADDR]:PORT)\n"
	    "                [--cert PEM --key PEM]...  (up to 4 pairs; a cert\n"
	    "                    file may hold a chain: leaf first, then issuers)\n"
	    "                [--hostname NAME] [--mode MODE] [--delay-ms N]\n"
	    "                [--tls-min 1.0|1.1|1.2|1.3] [--tls-max ...]\n"
	    "                [--pidfile FILE] [--log FILE] [--max-conns N]\n"
	    "                [--idle-timeout SECONDS] [--security-level N]\n"
	    "modes: good no-starttls starttls-refused handshake-fail\n"
	    "       handshake-stall slow garbage endless-multiline long-line\n"
	    "       silent\n"
	    "The pidfile is written once every listener is bound. SIGTERM ends\n"
	    "the server (exit 0). Exit 64 usage, 66 bad cert/key, 69 bind.\n",
	    fp);
}

/* parse_listen - "1.2.3.4:25" or "[::1]:25" into a socket address */
static int
parse_listen(const char *s, struct sockaddr_storage *ss, int *len)
{
	char		 host[64];
	const char	*colon, *port;
	char		*end;
	unsigned long	 p;
	size_t		 hlen;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		colon = strchr(s, ']');
		if (colon == NULL || colon[1] != ':') {
			return -1;
		}
		hlen = (size_t)(colon - s - 1);
		port = colon + 2;
		s++;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL) {
			return -1;
		}
		hlen = (size_t)(colon - s);
		port = colon + 1;
	}
	if (hlen == 0 || hlen >= sizeof(host)) {
		return -1;
	}
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	errno = 0;
	p = strtoul(port, &end, 10);
	if (errno != 0 || end == port || *end != '\0' || p > 65535) {
		return -1;
	}
	if (inet_pton(AF_INET, host,
	    &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)p);
		*len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, host,
	    &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)p);
		*len = sizeof(struct sockaddr_in6);
		return 0;
	}
	return -1;
}

/* parse_tls_version - "1.2" into TLS1_2_VERSION; -1 if not one */
static int
parse_tls_version(const char *s)
{
	if (strcmp(s, "1.0") == 0) {
		return TLS1_VERSION;
	}
	if (strcmp(s, "1.1") == 0) {
		return TLS1_1_VERSION;
	}
	if (strcmp(s, "1.2") == 0) {
		return TLS1_2_VERSION;
	}
	if (strcmp(s, "1.3") == 0) {
		return TLS1_3_VERSION;
	}
	return -1;
}

/* tls_ctx_new - one server context holding every certificate chain */
static SSL_CTX *
tls_ctx_new(const char **certs, const char **keys, int n, int vmin, int vmax,
    int seclevel)
{
	SSL_CTX	*ctx;
	int	 i;

	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		return NULL;
	}
	/* OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1 signatures) above level 0. */
	if (vmin < TLS1_2_VERSION) {
		SSL_CTX_set_security_level(ctx, 0);
	} else if (seclevel >= 0) {
		SSL_CTX_set_security_level(ctx, seclevel);
	}
	if (SSL_CTX_set_min_proto_version(ctx, vmin) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, vmax) != 1) {
		goto fail;
	}
	for (i = 0; i < n; i++) {
		/* The chain file sets the chain of this key type's slot. */
		if (SSL_CTX_use_certificate_chain_file(ctx, certs[i]) != 1) {
			(void)fprintf(stderr, "labsmtpd: %s: cannot load "
			    "certificate chain\n", certs[i]);
			goto fail;
		}
		if (SSL_CTX_use_PrivateKey_file(ctx, keys[i],
		    SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(ctx) != 1) {
			(void)fprintf(stderr, "labsmtpd: %s: cannot load key "
			    "or it does not match %s\n", keys[i], certs[i]);
			goto fail;
		}
	}
	return ctx;
fail:
	ERR_print_errors_fp(stderr);
	SSL_CTX_free(ctx);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Connections                                                         */
/* ------------------------------------------------------------------ */

/* accept_cb - a new client: greet it as the mode says */
static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	static const char	 busy[] = "421 4.3.2 too many connections\r\n";
	struct server		*srv = arg;
	struct conn		*c;
	struct bufferevent	*bev;
	char			 addr[INET6_ADDRSTRLEN];
	unsigned		 port = 0;

	(void)l;
	(void)salen;
	addr[0] = '\0';
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		(void)inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
		port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		(void)inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
		port = ntohs(in6->sin6_port);
	}
	if (srv->nconns >= srv->max_conns) {
		logmsg(srv, "refused %s port %u: %lu connections", addr, port,
		    srv->nconns);
		(void)send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT);
		evutil_closesocket(fd);
		return;
	}
	c = mxd_calloc(1, sizeof(*c));
	bev = bufferevent_socket_new(srv->base, fd,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (c == NULL || bev == NULL) {
		logmsg(srv, "out of memory for %s", addr);
		mxd_free(c);
		if (bev != NULL) {
			bufferevent_free(bev);
		} else {
			evutil_closesocket(fd);
		}
		return;
	}
	c->srv = srv;
	c->id = ++srv->next_id;
	c->state = C_CMD;
	(void)snprintf(c->peer, sizeof(c->peer), "%s port %u", addr, port);
	c->next = srv->conns;
	if (srv->conns != NULL) {
		srv->conns->prev = c;
	}
	srv->conns = c;
	srv->nconns++;
	conn_set_bev(c, bev);
	logmsg(srv, "#%lu connect from %s (mode %s)", c->id, c->peer,
	    mode_names[srv->mode]);

	switch (srv->mode) {
	case M_SILENT:
		c->state = C_STALL;
		break;
	case M_GARBAGE:
		conn_send(c, "\x16\x03\x01\x00\x05\xff\xfe\x00garbage\x01\r\n",
		    18);
		break;
	default:
		conn_reply(c, "220 %s ESMTP labsmtpd", srv->hostname);
		break;
	}
}

/* conn_set_bev - make bev the connection's transport, with its limits */
static void
conn_set_bev(struct conn *c, struct bufferevent *bev)
{
	struct timeval tv;

	c->bev = bev;
	tv.tv_sec = (time_t)c->srv->idle_s;
	tv.tv_usec = 0;
	bufferevent_setcb(bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	bufferevent_set_timeouts(bev, &tv, &tv);
	/* Stop reading while more than this waits to be parsed. */
	bufferevent_setwatermark(bev, EV_READ, 0, READ_HIGHWAT);
	(void)bufferevent_enable(bev, EV_READ | EV_WRITE);
}

/* conn_free - close and forget a connection */
static void
conn_free(struct conn *c)
{
	struct server *srv = c->srv;

	logmsg(srv, "#%lu disconnect", c->id);
	if (c->prev != NULL) {
		c->prev->next = c->next;
	} else {
		srv->conns = c->next;
	}
	if (c->next != NULL) {
		c->next->prev = c->prev;
	}
	srv->nconns--;
	if (c->delay != NULL) {
		event_free(c->delay);
	}
	if (c->linger != NULL) {
		event_free(c->linger);
	}
	if (c->pending != NULL) {
		evbuffer_free(c->pending);
	}
	if (c->bev != NULL) {
		bufferevent_free(c->bev);
	}
	mxd_free(c);
}

/* conn_send - queue raw bytes (delayed in slow mode) */
static void
conn_send(struct conn *c, const void *p, size_t n)
{
	struct timeval tv;

	if (c->srv->mode != M_SLOW) {
		(void)bufferevent_write(c->bev, p, n);
		return;
	}
	if (c->pending == NULL) {
		c->pending = evbuffer_new();
		c->delay = evtimer_new(c->srv->base, conn_delay_cb, c);
		if (c->pending == NULL || c->delay == NULL) {
			logmsg(c->srv, "#%lu out of memory", c->id);
			c->state = C_CLOSING;
			return;
		}
	}
	(void)evbuffer_add(c->pending, p, n);
	if (!evtimer_pending(c->delay, NULL)) {
		tv.tv_sec = (time_t)(c->srv->delay_ms / 1000);
		tv.tv_usec = (suseconds_t)(c->srv->delay_ms % 1000) * 1000;
		(void)evtimer_add(c->delay, &tv);
	}
}

/* conn_delay_cb - slow mode: the delay is over, send what waited */
static void
conn_delay_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	(void)bufferevent_write_buffer(c->bev, c->pending);
	/* Commands that came meanwhile wait their turn (and delay). */
	if (c->state == C_CMD || c->state == C_DATA) {
		(void)bufferevent_enable(c->bev, EV_READ);
		conn_read_cb(c->bev, c);
	}
}

/* conn_delayed - slow mode: is output still waiting for its delay? */
static int
conn_delayed(const struct conn *c)
{
	return c->pending != NULL && evbuffer_get_length(c->pending) > 0;
}

/* conn_flushed - has everything queued reached the socket? */
static int
conn_flushed(const struct conn *c)
{
	struct bufferevent *under = bufferevent_get_underlying(c->bev);

	if (conn_delayed(c) ||
	    evbuffer_get_length(bufferevent_get_output(c->bev)) > 0) {
		return 0;
	}
	/* Over TLS, the socket's own buffer may still hold records. */
	return under == NULL ||
	    evbuffer_get_length(bufferevent_get_output(under)) == 0;
}

/* conn_close - close once the output is out, or after two seconds */
static void
conn_close(struct conn *c)
{
	struct timeval tv = { 0, 20000 };

	if (conn_flushed(c)) {
		conn_free(c);
		return;
	}
	if (c->linger == NULL) {
		c->linger = evtimer_new(c->srv->base, conn_linger_cb, c);
		if (c->linger == NULL) {
			conn_free(c);
			return;
		}
	}
	(void)bufferevent_disable(c->bev, EV_READ);
	(void)evtimer_add(c->linger, &tv);
}

/* conn_linger_cb - closing: look again whether the output is out */
static void
conn_linger_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	if (++c->linger_ticks >= 100) {
		logmsg(c->srv, "#%lu output not flushed in time", c->id);
		conn_free(c);
		return;
	}
	conn_close(c);
}

/* conn_reply - queue one reply line, CRLF added */
static void
conn_reply(struct conn *c, const char *fmt, ...)
{
	char	line[LINE_CMD_MAX + 1];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return;
	}
	if ((size_t)n > sizeof(line) - 3) {
		n = (int)(sizeof(line) - 3);
	}
	line[n++] = '\r';
	line[n++] = '\n';
	conn_send(c, line, (size_t)n);
}

/* conn_read_cb - split the input into lines, each bounded */
static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	static const char	 not_hello[] = "this is not a ServerHello\r\n";
	struct conn		*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 eol;
	char			 line[LINE_DATA_MAX + 1];
	size_t			 len, eol_len, cap;

	while (c->bev == bev && evbuffer_get_length(in) > 0) {
		if (conn_delayed(c)) {
			/* Slow mode: one reply at a time, each delayed. */
			(void)bufferevent_disable(bev, EV_READ);
			return;
		}
		switch (c->state) {
		case C_CMD:
		case C_DATA:
			break;
		case C_HS_FAIL:
			/* The ClientHello came: answer with anything but. */
			(void)evbuffer_drain(in, evbuffer_get_length(in));
			conn_send(c, not_hello, sizeof(not_hello) - 1);
			c->state = C_CLOSING;
			logmsg(c->srv, "#%lu ClientHello answered with "
			    "garbage", c->id);
			return;
		case C_TLS_WAIT:
		case C_HANDSHAKE:
			/* A ClientHello early: leave it for the TLS layer. */
			return;
		default:
			/* Stalling, closing, endless: drop. */
			(void)evbuffer_drain(in, evbuffer_get_length(in));
			return;
		}
		cap = c->state == C_DATA ? LINE_DATA_MAX : LINE_CMD_MAX;
		eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_CRLF);
		if (eol.pos < 0) {
			len = evbuffer_get_length(in);
			if (len < cap) {
				return;		/* wait for the rest */
			}
			/* Too long and no end yet: drop it as it comes. */
			(void)evbuffer_drain(in, len);
			c->skipping = 1;
			continue;
		}
		len = (size_t)eol.pos;
		if (c->skipping || len + 2 > cap) {
			(void)evbuffer_drain(in, len + eol_len);
			c->skipping = 0;
			if (c->state == C_DATA) {
				c->msg_too_big = 1;
			} else {
				logmsg(c->srv, "#%lu line too long", c->id);
				conn_reply(c, "500 5.5.0 line too long");
			}
			continue;
		}
		(void)evbuffer_remove(in, line, len);
		line[len] = '\0';
		(void)evbuffer_drain(in, eol_len);
		conn_line(c, line, len);
	}
}

/* conn_line - one complete input line */
static void
conn_line(struct conn *c, char *line, size_t len)
{
	char shown[128];

	if (c->state == C_DATA) {
		conn_data_line(c, line, len);
		return;
	}
	logmsg(c->srv, "#%lu <<< %s", c->id,
	    mxd_sanitize(line, len, shown, sizeof(shown)));
	if (c->srv->mode == M_GARBAGE) {
		conn_send(c, "\x80\x81 what? \xfe\r\n", 12);
		return;
	}
	conn_command(c, line);
}

/* verb_is - does the line start with this verb (and a blank or end)? */
static int
verb_is(const char *line, const char *verb, const char **arg)
{
	size_t n = strlen(verb);

	if (strncasecmp(line, verb, n) != 0) {
		return 0;
	}
	if (line[n] != '\0' && line[n] != ' ') {
		return 0;
	}
	*arg = line + n;
	while (**arg == ' ') {
		(*arg)++;
	}
	return 1;
}

/* conn_command - answer one SMTP command */
static void
conn_command(struct conn *c, char *line)
{
	const char *arg;

	if (verb_is(line, "EHLO", &arg)) {
		conn_ehlo(c, arg);
	} else if (verb_is(line, "HELO", &arg)) {
		if (*arg == '\0') {
			conn_reply(c, "501 5.5.4 HELO needs a name");
			return;
		}
		c->helo = 1;
		conn_reply(c, "250 %s", c->srv->hostname);
	} else if (verb_is(line, "STARTTLS", &arg)) {
		if (*arg != '\0') {
			conn_reply(c, "501 5.5.4 no arguments allowed");
			return;
		}
		conn_starttls(c);
	} else if (verb_is(line, "NOOP", &arg)) {
		conn_reply(c, "250 2.0.0 OK");
	} else if (verb_is(line, "RSET", &arg)) {
		c->mail = 0;
		c->rcpts = 0;
		conn_reply(c, "250 2.0.0 OK");
	} else if (verb_is(line, "QUIT", &arg)) {
		conn_reply(c, "221 2.0.0 Bye");
		c->state = C_CLOSING;
	} else if (verb_is(line, "MAIL", &arg)) {
		if (!c->helo) {
			conn_reply(c, "503 5.5.1 send EHLO first");
		} else if (c->mail) {
			conn_reply(c, "503 5.5.1 nested MAIL command");
		} else if (strncasecmp(arg, "FROM:", 5) != 0) {
			conn_reply(c, "501 5.5.4 syntax: MAIL FROM:<address>");
		} else {
			c->mail = 1;
			c->rcpts = 0;
			conn_reply(c, "250 2.1.0 OK");
		}
	} else if (verb_is(line, "RCPT", &arg)) {
		if (!c->mail) {
			conn_reply(c, "503 5.5.1 need MAIL first");
		} else if (strncasecmp(arg, "TO:", 3) != 0) {
			conn_reply(c, "501 5.5.4 syntax: RCPT TO:<address>");
		} else if (c->rcpts >= 100) {
			conn_reply(c, "452 4.5.3 too many recipients");
		} else {
			c->rcpts++;
			conn_reply(c, "250 2.1.5 OK");
		}
	} else if (verb_is(line, "DATA", &arg)) {
		if (c->rcpts == 0) {
			conn_reply(c, "503 5.5.1 need RCPT first");
			return;
		}
		c->state = C_DATA;
		c->msg_len = 0;
		c->msg_too_big = 0;
		conn_reply(c, "354 end data with <CR><LF>.<CR><LF>");
	} else if (verb_is(line, "VRFY", &arg)) {
		conn_reply(c, "252 2.0.0 cannot verify, will try");
	} else {
		conn_reply(c, "500 5.5.2 command not recognised");
	}
}

/* conn_data_line - one line of a message; the message is discarded */
static void
conn_data_line(struct conn *c, const char *line, size_t len)
{
	if (len == 1 && line[0] == '.') {
		c->state = C_CMD;
		c->mail = 0;
		c->rcpts = 0;
		if (c->msg_too_big) {
			logmsg(c->srv, "#%lu message refused: too big or "
			    "line too long", c->id);
			conn_reply(c, "552 5.3.4 message too big or line "
			    "too long");
		} else {
			logmsg(c->srv, "#%lu message of %zu bytes accepted "
			    "and discarded", c->id, c->msg_len);
			conn_reply(c, "250 2.0.0 OK: queued as %lu-%lu",
			    (unsigned long)getpid(), c->id);
		}
		return;
	}
	c->msg_len += len + 2;
	if (c->msg_len > MSG_MAX) {
		c->msg_too_big = 1;
	}
}

/* conn_ehlo - the EHLO reply, with the extensions the mode offers */
static void
conn_ehlo(struct conn *c, const char *arg)
{
	struct server	*srv = c->srv;
	char		 longl[LONG_LINE + 16];
	int		 offer;

	if (*arg == '\0') {
		conn_reply(c, "501 5.5.4 EHLO needs a name");
		return;
	}
	c->helo = 1;
	c->mail = 0;
	c->rcpts = 0;
	offer = !c->tls && srv->mode != M_NO_STARTTLS;
	conn_reply(c, "250-%s", srv->hostname);
	if (srv->mode == M_ENDLESS) {
		c->state = C_ENDLESS;
		c->endless_sent = 0;
		conn_endless_more(c);
		return;
	}
	if (srv->mode == M_LONG_LINE) {
		memcpy(longl, "250-X-LONG ", 11);
		memset(longl + 11, 'x', LONG_LINE - 11);
		memcpy(longl + LONG_LINE, "\r\n", 2);
		conn_send(c, longl, LONG_LINE + 2);
	}
	conn_reply(c, "250-PIPELINING");
	conn_reply(c, "250-SIZE %lu", MSG_MAX);
	if (offer) {
		conn_reply(c, "250-STARTTLS");
	}
	conn_reply(c, "250-ENHANCEDSTATUSCODES");
	conn_reply(c, "250 8BITMIME");
}

/* conn_endless_more - the next batch of an endless EHLO reply */
static void
conn_endless_more(struct conn *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	int		 i;

	for (i = 0; i < 256 && c->endless_sent < ENDLESS_MAX; i++) {
		c->endless_sent++;
		(void)evbuffer_add_printf(out, "250-X-ENDLESS-%06lu\r\n",
		    c->endless_sent);
	}
	if (c->endless_sent >= ENDLESS_MAX) {
		/* Our own cap: end the reply and carry on as usual. */
		(void)evbuffer_add_printf(out, "250 X-ENDLESS-CAP-REACHED\r\n");
		logmsg(c->srv, "#%lu endless reply ended at its cap", c->id);
		c->state = C_CMD;
	}
}

/* conn_starttls - the STARTTLS command, as the mode wants it answered */
static void
conn_starttls(struct conn *c)
{
	struct server		*srv = c->srv;
	struct evbuffer		*in = bufferevent_get_input(c->bev);

	if (c->tls) {
		conn_reply(c, "503 5.5.1 TLS already active");
		return;
	}
	switch (srv->mode) {
	case M_NO_STARTTLS:
		conn_reply(c, "502 5.5.1 STARTTLS not offered");
		return;
	case M_STARTTLS_REFUSED:
		conn_reply(c, "454 4.7.0 TLS not available due to temporary "
		    "reason");
		return;
	default:
		break;
	}
	if (srv->ssl_ctx == NULL) {
		conn_reply(c, "454 4.7.0 TLS not available: no certificate");
		return;
	}
	/* Plaintext sent after STARTTLS must not reach the TLS session. */
	(void)evbuffer_drain(in, evbuffer_get_length(in));
	conn_reply(c, "220 2.0.0 ready to start TLS");
	if (srv->mode == M_HANDSHAKE_FAIL) {
		c->state = C_HS_FAIL;
	} else if (srv->mode == M_HANDSHAKE_STALL) {
		c->state = C_STALL;
		logmsg(srv, "#%lu stalling the handshake", c->id);
	} else {
		c->state = C_TLS_WAIT;
	}
}

/* conn_tls_begin - the 220 went out: put TLS over the socket */
static void
conn_tls_begin(struct conn *c)
{
	struct bufferevent	*tbev;
	SSL			*ssl;

	ssl = SSL_new(c->srv->ssl_ctx);
	if (ssl == NULL) {
		logmsg(c->srv, "#%lu SSL_new failed", c->id);
		conn_free(c);
		return;
	}
	tbev = bufferevent_openssl_filter_new(c->srv->base, c->bev, ssl,
	    BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (tbev == NULL) {
		logmsg(c->srv, "#%lu TLS set-up failed", c->id);
		SSL_free(ssl);
		conn_free(c);
		return;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(tbev, 1);
	c->state = C_HANDSHAKE;
	conn_set_bev(c, tbev);
}

/* conn_write_cb - the output drained: go on with what waits for that */
static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (bev != c->bev) {
		return;
	}
	switch (c->state) {
	case C_CLOSING:
		if (!conn_delayed(c)) {
			conn_close(c);
		}
		break;
	case C_TLS_WAIT:
		if (!conn_delayed(c)) {
			conn_tls_begin(c);
		}
		break;
	case C_ENDLESS:
		conn_endless_more(c);
		break;
	default:
		break;
	}
}

/* conn_event_cb - handshake done, end of stream, error or timeout */
static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;
	unsigned long	 e;
	char		 reason[160];
	SSL		*ssl;

	if (bev != c->bev) {
		return;
	}
	if (what & BEV_EVENT_CONNECTED) {
		ssl = bufferevent_openssl_get_ssl(bev);
		c->tls = 1;
		c->helo = 0;
		c->mail = 0;
		c->rcpts = 0;
		c->state = C_CMD;
		logmsg(c->srv, "#%lu TLS established: %s %s", c->id,
		    SSL_get_version(ssl), SSL_get_cipher_name(ssl));
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		logmsg(c->srv, "#%lu idle timeout", c->id);
	} else if (what & BEV_EVENT_ERROR) {
		e = bufferevent_get_openssl_error(bev);
		if (e != 0) {
			ERR_error_string_n(e, reason, sizeof(reason));
			logmsg(c->srv, "#%lu TLS error: %s", c->id, reason);
		} else {
			logmsg(c->srv, "#%lu error: %s", c->id,
			    evutil_socket_error_to_string(
			    EVUTIL_SOCKET_ERROR()));
		}
	} else if (what & BEV_EVENT_EOF) {
		logmsg(c->srv, "#%lu client closed", c->id);
	}
	conn_free(c);
}

/* signal_cb - SIGTERM/SIGINT: leave the loop */
static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	(void)what;
	logmsg(srv, "signal %d: stopping", (int)sig);
	(void)event_base_loopbreak(srv->base);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "mode", required_argument, NULL, 'm' },
		{ "delay-ms", required_argument, NULL, 'd' },
		{ "tls-min", required_argument, NULL, 'n' },
		{ "tls-max", required_argument, NULL, 'x' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'L' },
		{ "max-conns", required_argument, NULL, 'M' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "security-level", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct server		 srv;
	struct sockaddr_storage	 ss[MAX_LISTEN];
	int			 sslen[MAX_LISTEN];
	struct evconnlistener	*lis[MAX_LISTEN];
	const char		*certs[MAX_CERTS], *keys[MAX_CERTS];
	const char		*pidfile = NULL, *logfile = NULL;
	struct event		*sigterm = NULL, *sigint = NULL;
	int			 nlisten = 0, ncert = 0, nkey = 0;
	int			 vmin = TLS1_2_VERSION, vmax = TLS1_3_VERSION;
	int			 seclevel = -1;
	int			 ch, i, rc = EX_SOFTWARE;
	unsigned long		 v;
	char			*end;
	size_t			 m;
	FILE			*fp;

	memset(&srv, 0, sizeof(srv));
	srv.mode = M_GOOD;
	srv.hostname = "localhost";
	srv.delay_ms = 2000;
	srv.max_conns = 256;
	srv.idle_s = 30;
	srv.log = stderr;
	memset(lis, 0, sizeof(lis));

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			if (nlisten == MAX_LISTEN || parse_listen(optarg,
			    &ss[nlisten], &sslen[nlisten]) != 0) {
				(void)fprintf(stderr, "labsmtpd: bad or too "
				    "many --listen: %s\n", optarg);
				return EX_USAGE;
			}
			nlisten++;
			break;
		case 'c':
		case 'k':
			if ((ch == 'c' ? ncert : nkey) == MAX_CERTS) {
				(void)fprintf(stderr, "labsmtpd: at most %d "
				    "certificates\n", MAX_CERTS);
				return EX_USAGE;
			}
			if (ch == 'c') {
				certs[ncert++] = optarg;
			} else {
				keys[nkey++] = optarg;
			}
			break;
		case 'H':
			srv.hostname = optarg;
			if (strlen(optarg) > 253 || strpbrk(optarg,
			    " \r\n") != NULL) {
				(void)fprintf(stderr, "labsmtpd: bad "
				    "--hostname\n");
				return EX_USAGE;
			}
			break;
		case 'm':
			for (m = 0; m < sizeof(mode_names) /
			    sizeof(mode_names[0]); m++) {
				if (strcmp(optarg, mode_names[m]) == 0) {
					break;
				}
			}
			if (m == sizeof(mode_names) / sizeof(mode_names[0])) {
				(void)fprintf(stderr, "labsmtpd: unknown "
				    "--mode %s\n", optarg);
				return EX_USAGE;
			}
			srv.mode = (enum mode)m;
			break;
		case 'd':
		case 'M':
		case 'i':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    v == 0 || v > 86400000UL) {
				(void)fprintf(stderr, "labsmtpd: bad number: "
				    "%s\n", optarg);
				return EX_USAGE;
			}
			if (ch == 'd') {
				srv.delay_ms = v;
			} else if (ch == 'M') {
				srv.max_conns = v;
			} else {
				srv.idle_s = v;
			}
			break;
		case 'n':
		case 'x':
			i = parse_tls_version(optarg);
			if (i < 0) {
				(void)fprintf(stderr, "labsmtpd: TLS version "
				    "is 1.0, 1.1, 1.2 or 1.3\n");
				return EX_USAGE;
			}
			if (ch == 'n') {
				vmin = i;
			} else {
				vmax = i;
			}
			break;
		case 'S':
			if (optarg[0] < '0' || optarg[0] > '5' ||
			    optarg[1] != '\0') {
				(void)fprintf(stderr, "labsmtpd: the security "
				    "level is 0 to 5\n");
				return EX_USAGE;
			}
			seclevel = optarg[0] - '0';
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'L':
			logfile = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc || nlisten == 0 || ncert != nkey || vmin > vmax) {
		(void)fprintf(stderr, "labsmtpd: need --listen, a --key for "
		    "each --cert, and --tls-min <= --tls-max\n");
		usage(stderr);
		return EX_USAGE;
	}
	if (logfile != NULL) {
		srv.log = fopen(logfile, "a");
		if (srv.log == NULL) {
			(void)fprintf(stderr, "labsmtpd: %s: %s\n", logfile,
			    strerror(errno));
			return EX_CANTCREAT;
		}
	}
	(void)signal(SIGPIPE, SIG_IGN);
	if (ncert > 0) {
		srv.ssl_ctx = tls_ctx_new(certs, keys, ncert, vmin, vmax,
		    seclevel);
		if (srv.ssl_ctx == NULL) {
			rc = EX_NOINPUT;
			goto out;
		}
	}
	srv.base = event_base_new();
	if (srv.base == NULL) {
		goto out;
	}
	for (i = 0; i < nlisten; i++) {
		lis[i] = evconnlistener_new_bind(srv.base, accept_cb, &srv,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
		    LEV_OPT_CLOSE_ON_EXEC | (ss[i].ss_family == AF_INET6 ?
		    LEV_OPT_BIND_IPV6ONLY : 0), 128,
		    (struct sockaddr *)&ss[i], sslen[i]);
		if (lis[i] == NULL) {
			(void)fprintf(stderr, "labsmtpd: cannot listen on "
			    "address %d: %s\n", i + 1, strerror(errno));
			rc = EX_UNAVAILABLE;
			goto out;
		}
	}
	sigterm = evsignal_new(srv.base, SIGTERM, signal_cb, &srv);
	sigint = evsignal_new(srv.base, SIGINT, signal_cb, &srv);
	if (sigterm == NULL || sigint == NULL || evsignal_add(sigterm,
	    NULL) != 0 || evsignal_add(sigint, NULL) != 0) {
		goto out;
	}
	if (pidfile != NULL) {
		fp = fopen(pidfile, "w");
		if (fp == NULL) {
			(void)fprintf(stderr, "labsmtpd: %s: %s\n", pidfile,
			    strerror(errno));
			rc = EX_CANTCREAT;
			goto out;
		}
		(void)fprintf(fp, "%ld\n", (long)getpid());
		(void)fclose(fp);
	}
	logmsg(&srv, "ready: %d listener(s), %d certificate(s), mode %s",
	    nlisten, ncert, mode_names[srv.mode]);
	(void)event_base_dispatch(srv.base);
	rc = 0;
out:
	while (srv.conns != NULL) {
		conn_free(srv.conns);
	}
	if (sigterm != NULL) {
		event_free(sigterm);
	}
	if (sigint != NULL) {
		event_free(sigint);
	}
	for (i = 0; i < nlisten; i++) {
		if (lis[i] != NULL) {
			evconnlistener_free(lis[i]);
		}
	}
	if (srv.base != NULL) {
		event_base_free(srv.base);
	}
	SSL_CTX_free(srv.ssl_ctx);
	if (pidfile != NULL && rc == 0) {
		(void)unlink(pidfile);
	}
	if (srv.log != NULL && srv.log != stderr) {
		(void)fclose(srv.log);
	}
	return rc;
}
