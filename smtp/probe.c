/*
 * probe.c - one SMTP session to one address, as an RFC 7672 sender would
 * run it up to the point of sending mail: TCP connect, banner, EHLO,
 * STARTTLS, TLS handshake with SNI and OpenSSL's DANE verification, EHLO
 * again, QUIT. It fills one struct report_addr; it sends no mail.
 *
 * The session is an explicit state machine (STYLE.md §7): one struct, one
 * enum of states, smtp_enter() logs old -> new, arms the step timer and
 * sends what the new state needs; read_cb() parses replies (smtp_reply.c,
 * bounded) and picks the next state. Every step has its own timeout and
 * the whole probe a total one, so a silent, slow, endless or stalling
 * server ends in a one-line error within a known time.
 *
 * TLS runs as a libevent bufferevent_openssl filter over the plaintext
 * socket bufferevent. The filter lets the SMTP dialogue after STARTTLS use
 * the same read path, timers and limits as before it; the SSL object is
 * ours and gets its DANE set-up (dane_tls.c) before the handshake starts.
 * Verification never aborts the handshake: the verdict is read afterwards,
 * so that even a failing server's chain and TLS version are reported.
 *
 * What a sender must do per mode (RFC 7672 §2.2): DANE requires STARTTLS
 * and a DANE match (pass/fail); ENCRYPT requires TLS only (unusable/fail);
 * OPPORTUNISTIC requires nothing (none). In DANE mode, when OpenSSL accepts
 * none of the records, the host is treated as ENCRYPT (RFC 7672 §2.2: no
 * usable records means TLS without authentication), never as PKIX.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/util.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/mxd.h"
#include "dane/dane.h"
#include "report/model.h"
#include "smtp/probe.h"
#include "smtp/smtp_reply.h"
#include "tlsa/tlsa.h"

#define PROBE_STEP_MS_DEFAULT	10000
#define PROBE_READ_MAX		4096	/* buffered input, then backpressure */

enum smtp_state {
	SMTP_S_INIT,		/* not started */
	SMTP_S_CONNECT,		/* TCP connect under way */
	SMTP_S_BANNER,		/* waiting for the 220 greeting */
	SMTP_S_EHLO,		/* EHLO sent */
	SMTP_S_STARTTLS,	/* STARTTLS sent */
	SMTP_S_HANDSHAKE,	/* TLS handshake under way */
	SMTP_S_EHLO_TLS,	/* EHLO sent over TLS */
	SMTP_S_QUIT,		/* QUIT sent; any answer or close ends it */
	SMTP_S_DONE,		/* result final; callback pending */
};

struct smtp_probe {
	struct event_base	*base;
	struct bufferevent	*bev;		/* socket, then TLS over it */
	SSL			*ssl;		/* owned by bev once tls_filter */
	int			 tls_filter;	/* bev is the TLS filter */
	enum smtp_state		 state;
	struct report_addr	*out;
	smtp_probe_cb		*cb;
	void			*cb_arg;

	/* Copied from the parameters. */
	struct sockaddr_storage	 sa;
	int			 salen;
	char			 addr[REPORT_ADDR_MAX];	/* as given */
	char			*helo;
	char			*sni;
	char			**names;
	size_t			 nnames;
	struct tlsa_rr		*tlsa;
	size_t			 ntlsa;
	enum smtp_probe_mode	 mode;
	unsigned		 step_ms;
	unsigned		 total_ms;
	int			 legacy;
	unsigned		 tls_version;
	enum smtp_probe_keyalg	 key_alg;
	smtp_probe_trace_cb	*trace;
	void			*trace_arg;
	smtp_probe_tls_cb	*on_tls;
	void			*on_tls_arg;

	/* What happened. */
	struct smtp_reply	 reply;
	size_t			 accepted;	/* TLSA records OpenSSL took */
	int			 dane_on;	/* DANE set up on the SSL */
	struct event		*step_timer;
	struct event		*total_timer;
	struct event		*done_ev;
	struct timespec		 t_start;
	struct timespec		 t_tls;
};

static SSL_CTX	*ctx_default;	/* TLS 1.2+, shared by all probes */
static SSL_CTX	*ctx_legacy;	/* TLS 1.0+, security level 0 */

static const char	*state_name(enum smtp_state);
static const char	*state_doing(enum smtp_state);
static void	smtp_trace(struct smtp_probe *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	smtp_enter(struct smtp_probe *, enum smtp_state);
static void	smtp_send(struct smtp_probe *, const char *);
static void	smtp_fail(struct smtp_probe *, enum smtp_state, const char *,
		    ...) __attribute__((format(printf, 3, 4)));
static void	smtp_reply_done(struct smtp_probe *);
static int	smtp_tls_begin(struct smtp_probe *);
static void	smtp_tls_done(struct smtp_probe *);
static void	smtp_verdict(struct smtp_probe *);
static void	read_cb(struct bufferevent *, void *);
static void	event_cb(struct bufferevent *, short, void *);
static void	step_timeout_cb(evutil_socket_t, short, void *);
static void	total_timeout_cb(evutil_socket_t, short, void *);
static void	probe_timeout(struct smtp_probe *, int);
static void	done_cb(evutil_socket_t, short, void *);
static void	probe_free(struct smtp_probe *);
static unsigned	ms_since(const struct timespec *);
static int	helo_ok(const char *);
static void	fmt_secs(unsigned, char *, size_t);

/* state_name - for the trace */
static const char *
state_name(enum smtp_state st)
{
	static const char *const names[] = {
		"INIT", "CONNECT", "BANNER", "EHLO", "STARTTLS", "HANDSHAKE",
		"EHLO_TLS", "QUIT", "DONE",
	};

	return names[st];
}

/* state_doing - what the probe waits for in a state, for messages */
static const char *
state_doing(enum smtp_state st)
{
	switch (st) {
	case SMTP_S_INIT:
		return "starting";
	case SMTP_S_CONNECT:
		return "connecting";
	case SMTP_S_BANNER:
		return "waiting for banner";
	case SMTP_S_EHLO:
		return "waiting for EHLO reply";
	case SMTP_S_STARTTLS:
		return "waiting for STARTTLS reply";
	case SMTP_S_HANDSHAKE:
		return "in TLS handshake";
	case SMTP_S_EHLO_TLS:
		return "waiting for EHLO reply after STARTTLS";
	case SMTP_S_QUIT:
		return "waiting for QUIT reply";
	case SMTP_S_DONE:
		break;
	}
	return "done";
}

/* helo_ok - one printable word: it goes into "EHLO %s" as it is */
static int
helo_ok(const char *helo)
{
	size_t i;

	for (i = 0; helo[i] != '\0'; i++) {
		if (helo[i] <= ' ' || helo[i] >= 0x7f || i >= 255) {
			return 0;
		}
	}
	return i > 0;
}

/* ms_since - milliseconds from t until now */
static unsigned
ms_since(const struct timespec *t)
{
	struct timespec now;
	long long ms;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - t->tv_sec) * 1000 +
	    (now.tv_nsec - t->tv_nsec) / 1000000;
	return ms < 0 ? 0 : (unsigned)ms;
}

/* fmt_secs - "10 s" or "2.5 s" */
static void
fmt_secs(unsigned ms, char *out, size_t outsz)
{
	if (ms % 1000 == 0) {
		(void)snprintf(out, outsz, "%u s", ms / 1000);
	} else {
		(void)snprintf(out, outsz, "%u.%03u s", ms / 1000, ms % 1000);
	}
}

/* smtp_trace - one trace line, if the caller wants them */
static void
smtp_trace(struct smtp_probe *s, const char *fmt, ...)
{
	char	line[256];
	va_list	ap;

	if (s->trace == NULL) {
		return;
	}
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->trace(s->trace_arg, line);
}

/* ------------------------------------------------------------------ */
/* Start, cancel, finish                                               */
/* ------------------------------------------------------------------ */

/* smtp_probe_start - copy the parameters and begin connecting */
int
smtp_probe_start(struct event_base *base, const struct smtp_probe_params *p,
    struct report_addr *out, smtp_probe_cb *cb, void *arg,
    struct smtp_probe **handle)
{
	struct smtp_probe	*s;
	struct sockaddr_in	*in4;
	struct sockaddr_in6	*in6;
	struct timeval		 tv;
	size_t			 i;
	unsigned		 port;

	if (handle != NULL) {
		*handle = NULL;
	}
	if (base == NULL || p == NULL || out == NULL || cb == NULL ||
	    p->address == NULL || (p->ntlsa > 0 && p->tlsa == NULL) ||
	    (p->nnames > 0 && p->names == NULL) || p->port > 65535 ||
	    (p->mode == SMTP_PROBE_DANE && (p->sni == NULL ||
	    p->sni[0] == '\0')) || (p->tls_version != 0 &&
	    (p->tls_version < TLS1_VERSION || p->tls_version >
	    TLS1_3_VERSION)) || p->mode > SMTP_PROBE_DANE ||
	    p->key_alg > SMTP_PROBE_KEY_ECDSA ||
	    (p->helo != NULL && !helo_ok(p->helo))) {
		return MXD_EINVAL;
	}
	s = mxd_calloc(1, sizeof(*s));
	if (s == NULL) {
		return MXD_ENOMEM;
	}
	/* p->address may live in *out, which is cleared below. */
	if (strlen(p->address) >= sizeof(s->addr)) {
		mxd_free(s);
		return MXD_EINVAL;
	}
	(void)snprintf(s->addr, sizeof(s->addr), "%s", p->address);
	port = p->port != 0 ? p->port : 25;
	in4 = (struct sockaddr_in *)&s->sa;
	in6 = (struct sockaddr_in6 *)&s->sa;
	if (inet_pton(AF_INET, s->addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		s->salen = sizeof(*in4);
	} else if (inet_pton(AF_INET6, s->addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		s->salen = sizeof(*in6);
	} else {
		mxd_free(s);
		return MXD_EINVAL;
	}
	s->base = base;
	s->out = out;
	s->cb = cb;
	s->cb_arg = arg;
	s->mode = p->mode;
	s->step_ms = p->timeout_ms != 0 ? p->timeout_ms :
	    PROBE_STEP_MS_DEFAULT;
	s->total_ms = p->total_ms != 0 ? p->total_ms :
	    s->step_ms > UINT_MAX / 4 ? UINT_MAX : 4 * s->step_ms;
	s->tls_version = p->tls_version;
	/* Pinning an old version is an explicit legacy probe. */
	s->legacy = p->legacy_tls || (p->tls_version != 0 &&
	    p->tls_version < TLS1_2_VERSION);
	s->key_alg = p->key_alg;
	s->trace = p->trace;
	s->trace_arg = p->trace_arg;
	s->on_tls = p->on_tls;
	s->on_tls_arg = p->on_tls_arg;
	smtp_reply_init(&s->reply, 0, 0);
	s->helo = mxd_strdup(p->helo != NULL ? p->helo : "localhost");
	s->sni = p->sni != NULL ? mxd_strdup(p->sni) : NULL;
	if (s->helo == NULL || (p->sni != NULL && s->sni == NULL)) {
		goto nomem;
	}
	if (p->nnames > 0) {
		s->names = mxd_calloc(p->nnames, sizeof(*s->names));
		if (s->names == NULL) {
			goto nomem;
		}
		for (i = 0; i < p->nnames; i++) {
			s->names[i] = mxd_strdup(p->names[i] != NULL ?
			    p->names[i] : "");
			if (s->names[i] == NULL) {
				goto nomem;
			}
			s->nnames++;
		}
	}
	if (p->ntlsa > 0) {
		s->tlsa = mxd_calloc(p->ntlsa, sizeof(*s->tlsa));
		if (s->tlsa == NULL) {
			goto nomem;
		}
		for (i = 0; i < p->ntlsa; i++) {
			if (tlsa_rr_copy(&s->tlsa[i], &p->tlsa[i]) != 0) {
				goto nomem;
			}
			s->ntlsa++;
		}
	}
	s->step_timer = evtimer_new(base, step_timeout_cb, s);
	s->total_timer = evtimer_new(base, total_timeout_cb, s);
	s->done_ev = evtimer_new(base, done_cb, s);
	s->bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (s->step_timer == NULL || s->total_timer == NULL ||
	    s->done_ev == NULL || s->bev == NULL) {
		goto nomem;
	}

	memset(out, 0, sizeof(*out));
	(void)snprintf(out->address, sizeof(out->address), "%s", s->addr);
	out->family = s->sa.ss_family;
	out->depth = -1;
	(void)clock_gettime(CLOCK_MONOTONIC, &s->t_start);
	tv.tv_sec = s->total_ms / 1000;
	tv.tv_usec = (suseconds_t)(s->total_ms % 1000) * 1000;
	(void)evtimer_add(s->total_timer, &tv);
	bufferevent_setcb(s->bev, read_cb, NULL, event_cb, s);
	bufferevent_setwatermark(s->bev, EV_READ, 0, PROBE_READ_MAX);
	if (handle != NULL) {
		*handle = s;
	}
	smtp_enter(s, SMTP_S_CONNECT);
	return 0;
nomem:
	probe_free(s);
	return MXD_ENOMEM;
}

/* probe_free - release everything the probe holds */
static void
probe_free(struct smtp_probe *s)
{
	size_t i;

	if (s->ssl != NULL && !s->tls_filter) {
		SSL_free(s->ssl);
	}
	if (s->bev != NULL) {
		bufferevent_free(s->bev);	/* the filter: SSL, socket, fd */
	}
	if (s->step_timer != NULL) {
		event_free(s->step_timer);
	}
	if (s->total_timer != NULL) {
		event_free(s->total_timer);
	}
	if (s->done_ev != NULL) {
		event_free(s->done_ev);
	}
	smtp_reply_free(&s->reply);
	for (i = 0; i < s->nnames; i++) {
		mxd_free(s->names[i]);
	}
	mxd_free(s->names);
	for (i = 0; i < s->ntlsa; i++) {
		tlsa_rr_clear(&s->tlsa[i]);
	}
	mxd_free(s->tlsa);
	mxd_free(s->helo);
	mxd_free(s->sni);
	mxd_free(s);
}

/* smtp_probe_cancel - stop without calling back */
void
smtp_probe_cancel(struct smtp_probe *s)
{
	if (s != NULL) {
		probe_free(s);
	}
}

/* smtp_probe_cleanup - free the shared TLS contexts */
void
smtp_probe_cleanup(void)
{
	SSL_CTX_free(ctx_default);
	SSL_CTX_free(ctx_legacy);
	ctx_default = NULL;
	ctx_legacy = NULL;
}

/* done_cb - from the loop: hand the result over, then forget the probe */
static void
done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_probe	*s = arg;
	struct report_addr	*out = s->out;
	smtp_probe_cb		*cb = s->cb;
	void			*cb_arg = s->cb_arg;

	(void)fd;
	(void)what;
	out->ms_total = ms_since(&s->t_start);
	probe_free(s);
	cb(cb_arg, out);
}

/* ------------------------------------------------------------------ */
/* The state machine                                                   */
/* ------------------------------------------------------------------ */

/* smtp_send - one command line */
static void
smtp_send(struct smtp_probe *s, const char *cmd)
{
	smtp_trace(s, ">>> %s", cmd);
	if (bufferevent_write(s->bev, cmd, strlen(cmd)) != 0 ||
	    bufferevent_write(s->bev, "\r\n", 2) != 0) {
		smtp_fail(s, SMTP_S_DONE, "out of memory sending %s", cmd);
	}
}

/* smtp_enter - go to the next state and do what it needs */
static void
smtp_enter(struct smtp_probe *s, enum smtp_state next)
{
	struct timeval	tv;
	char		cmd[300];
	int		rc;

	smtp_trace(s, "%s -> %s", state_name(s->state), state_name(next));
	s->state = next;
	if (next == SMTP_S_DONE) {
		(void)evtimer_del(s->step_timer);
		(void)evtimer_del(s->total_timer);
		(void)bufferevent_disable(s->bev, EV_READ | EV_WRITE);
		smtp_verdict(s);
		event_active(s->done_ev, EV_TIMEOUT, 1);
		return;
	}
	tv.tv_sec = s->step_ms / 1000;
	tv.tv_usec = (suseconds_t)(s->step_ms % 1000) * 1000;
	(void)evtimer_add(s->step_timer, &tv);
	smtp_reply_reset(&s->reply);

	switch (next) {
	case SMTP_S_INIT:
		MXD_PANIC("back to INIT");
	case SMTP_S_CONNECT:
		if (bufferevent_socket_connect(s->bev,
		    (struct sockaddr *)&s->sa, s->salen) != 0) {
			(void)snprintf(cmd, sizeof(cmd), "%s",
			    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
			cmd[0] = (char)tolower((unsigned char)cmd[0]);
			smtp_fail(s, SMTP_S_DONE, "connect: %s", cmd);
		}
		break;
	case SMTP_S_BANNER:
		(void)bufferevent_enable(s->bev, EV_READ | EV_WRITE);
		break;
	case SMTP_S_EHLO:
	case SMTP_S_EHLO_TLS:
		(void)snprintf(cmd, sizeof(cmd), "EHLO %s", s->helo);
		smtp_send(s, cmd);
		break;
	case SMTP_S_STARTTLS:
		smtp_send(s, "STARTTLS");
		break;
	case SMTP_S_HANDSHAKE:
		(void)clock_gettime(CLOCK_MONOTONIC, &s->t_tls);
		rc = smtp_tls_begin(s);
		if (rc != 0 && s->state != SMTP_S_DONE) {
			smtp_fail(s, SMTP_S_DONE, "TLS set-up: %s",
			    mxd_strerror(rc));
		}
		break;
	case SMTP_S_QUIT:
		smtp_send(s, "QUIT");
		break;
	case SMTP_S_DONE:
		break;
	}
}

/*
 * smtp_fail - record why the probe could not go on (the first reason
 * wins) and go to @p next: SMTP_S_QUIT when the session is still sane,
 * SMTP_S_DONE when it is not.
 */
static void
smtp_fail(struct smtp_probe *s, enum smtp_state next, const char *fmt, ...)
{
	va_list ap;

	if (s->out->error[0] == '\0') {
		va_start(ap, fmt);
		(void)vsnprintf(s->out->error, sizeof(s->out->error), fmt, ap);
		va_end(ap);
		smtp_trace(s, "error: %s", s->out->error);
	}
	if (s->state != SMTP_S_DONE) {
		smtp_enter(s, next);
	}
}

/* read_cb - feed replies to the parser; act on each complete one */
static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct smtp_probe	*s = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct mxd_err		 err;
	unsigned char		*p;
	size_t			 n, used;
	int			 rc;

	while (bev == s->bev && (n = evbuffer_get_length(in)) > 0) {
		switch (s->state) {
		case SMTP_S_BANNER:
		case SMTP_S_EHLO:
		case SMTP_S_STARTTLS:
		case SMTP_S_EHLO_TLS:
		case SMTP_S_QUIT:
			break;
		default:
			/* Nothing expected now: drop it. */
			(void)evbuffer_drain(in, n);
			return;
		}
		if (n > 2 * SMTP_LINE_MAX) {
			n = 2 * SMTP_LINE_MAX;
		}
		p = evbuffer_pullup(in, (ev_ssize_t)n);
		if (p == NULL) {
			smtp_fail(s, SMTP_S_DONE, "out of memory");
			return;
		}
		mxd_err_clear(&err);
		rc = smtp_reply_feed(&s->reply, (const char *)p, n, &used,
		    &err);
		(void)evbuffer_drain(in, used);
		if (rc < 0) {
			if (s->state == SMTP_S_QUIT) {
				smtp_enter(s, SMTP_S_DONE);
			} else {
				smtp_fail(s, SMTP_S_DONE, "%s: %s",
				    state_doing(s->state), err.msg);
			}
			return;
		}
		if (rc == 0) {
			if (used == 0) {
				return;		/* a partial line: wait */
			}
			continue;
		}
		smtp_reply_done(s);
	}
}

/* smtp_reply_done - one whole reply: pick the next state */
static void
smtp_reply_done(struct smtp_probe *s)
{
	struct smtp_reply	*r = &s->reply;
	struct evbuffer		*in;
	char			 sum[160];

	(void)smtp_reply_summary(r, sum, sizeof(sum));
	smtp_trace(s, "<<< %s%s", sum, r->nlines > 1 ? " (...)" : "");
	switch (s->state) {
	case SMTP_S_BANNER:
		(void)smtp_reply_summary(r, s->out->banner,
		    sizeof(s->out->banner));
		if (r->code != 220) {
			smtp_fail(s, SMTP_S_QUIT, "banner: server refuses "
			    "mail: %s", sum);
			return;
		}
		smtp_enter(s, SMTP_S_EHLO);
		return;
	case SMTP_S_EHLO:
		if (r->code != 250) {
			smtp_fail(s, SMTP_S_QUIT, "EHLO rejected: %s", sum);
			return;
		}
		s->out->starttls = smtp_reply_has_keyword(r, "STARTTLS");
		if (!s->out->starttls) {
			smtp_fail(s, SMTP_S_QUIT, "STARTTLS not offered");
			return;
		}
		smtp_enter(s, SMTP_S_STARTTLS);
		return;
	case SMTP_S_STARTTLS:
		if (r->code != 220) {
			smtp_fail(s, SMTP_S_QUIT, "STARTTLS refused: %s", sum);
			return;
		}
		/* Plaintext after the 220 must not reach TLS (RFC 3207 §5). */
		in = bufferevent_get_input(s->bev);
		(void)evbuffer_drain(in, evbuffer_get_length(in));
		smtp_enter(s, SMTP_S_HANDSHAKE);
		return;
	case SMTP_S_EHLO_TLS:
		if (r->code != 250) {
			smtp_fail(s, SMTP_S_QUIT, "EHLO after STARTTLS "
			    "rejected: %s", sum);
			return;
		}
		smtp_enter(s, SMTP_S_QUIT);
		return;
	case SMTP_S_QUIT:
		smtp_enter(s, SMTP_S_DONE);
		return;
	default:
		MXD_PANIC("reply in state %s", state_name(s->state));
	}
}

/* event_cb - connected, handshake done, closed, or an error */
static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct smtp_probe	*s = arg;
	unsigned long		 e;
	char			 reason[160], msg[200];
	int			 serr = EVUTIL_SOCKET_ERROR();

	if (bev != s->bev || s->state == SMTP_S_DONE) {
		return;
	}
	if (what & BEV_EVENT_CONNECTED) {
		if (s->state == SMTP_S_CONNECT) {
			s->out->connected = 1;
			s->out->ms_connect = ms_since(&s->t_start);
			smtp_enter(s, SMTP_S_BANNER);
		} else if (s->state == SMTP_S_HANDSHAKE) {
			smtp_tls_done(s);
		}
		return;
	}
	if (s->state == SMTP_S_QUIT) {
		smtp_enter(s, SMTP_S_DONE);	/* closing after QUIT is fine */
		return;
	}
	if (s->state == SMTP_S_CONNECT) {
		(void)snprintf(msg, sizeof(msg), "%s",
		    evutil_socket_error_to_string(serr));
		msg[0] = (char)tolower((unsigned char)msg[0]);
		smtp_fail(s, SMTP_S_DONE, "connect: %s", msg);
		return;
	}
	if (s->state == SMTP_S_HANDSHAKE) {
		e = bufferevent_get_openssl_error(bev);
		if (e != 0) {
			(void)snprintf(reason, sizeof(reason), "%s",
			    ERR_reason_error_string(e) != NULL ?
			    ERR_reason_error_string(e) : "TLS error");
			while (bufferevent_get_openssl_error(bev) != 0) {
				;
			}
			smtp_fail(s, SMTP_S_DONE, "TLS handshake: %s", reason);
		} else if (what & BEV_EVENT_EOF) {
			smtp_fail(s, SMTP_S_DONE, "TLS handshake: connection "
			    "closed by the server");
		} else {
			smtp_fail(s, SMTP_S_DONE, "TLS handshake: %s",
			    evutil_socket_error_to_string(serr));
		}
		ERR_clear_error();
		return;
	}
	if (what & BEV_EVENT_EOF) {
		smtp_fail(s, SMTP_S_DONE, "connection closed by the server "
		    "while %s", state_doing(s->state));
	} else {
		smtp_fail(s, SMTP_S_DONE, "connection error while %s: %s",
		    state_doing(s->state), evutil_socket_error_to_string(serr));
	}
}

/* probe_timeout - a step or the whole probe ran out of time */
static void
probe_timeout(struct smtp_probe *s, int total)
{
	char secs[32];

	if (s->state == SMTP_S_QUIT) {
		smtp_enter(s, SMTP_S_DONE);	/* the result is known */
		return;
	}
	fmt_secs(total ? s->total_ms : s->step_ms, secs, sizeof(secs));
	if (total) {
		smtp_fail(s, SMTP_S_DONE, "timeout: probe took more than %s "
		    "in total (%s)", secs, state_doing(s->state));
	} else {
		smtp_fail(s, SMTP_S_DONE, "timeout %s after %s",
		    state_doing(s->state), secs);
	}
}

/* step_timeout_cb - a step took longer than timeout_ms */
static void
step_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	probe_timeout(arg, 0);
}

/* total_timeout_cb - the whole probe took longer than total_ms */
static void
total_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	probe_timeout(arg, 1);
}

/* ------------------------------------------------------------------ */
/* TLS                                                                 */
/* ------------------------------------------------------------------ */

/* smtp_tls_begin - SSL with DANE set up, as a filter over the socket */
static int
smtp_tls_begin(struct smtp_probe *s)
{
	static const char rsa_sigalgs[] = "rsa_pss_rsae_sha256:"
	    "rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:rsa_pss_pss_sha256:"
	    "rsa_pss_pss_sha384:rsa_pss_pss_sha512:RSA+SHA256:RSA+SHA384:"
	    "RSA+SHA512";
	static const char ec_sigalgs[] = "ecdsa_secp256r1_sha256:"
	    "ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512";
	SSL_CTX			**ctxp;
	struct bufferevent	 *tbev;
	struct mxd_err		  err;
	int			  ok = 1, rc;

	ctxp = s->legacy ? &ctx_legacy : &ctx_default;
	if (*ctxp == NULL) {
		*ctxp = dane_ctx_new(s->legacy, &err);
		if (*ctxp == NULL) {
			smtp_fail(s, SMTP_S_DONE, "TLS set-up: %s", err.msg);
			return err.code;
		}
	}
	ERR_clear_error();
	s->ssl = SSL_new(*ctxp);
	if (s->ssl == NULL) {
		return MXD_ENOMEM;
	}
	if (s->tls_version != 0) {
		ok = SSL_set_min_proto_version(s->ssl, (int)s->tls_version) ==
		    1 && SSL_set_max_proto_version(s->ssl,
		    (int)s->tls_version) == 1;
	}
	/* Implementation notes §5.6: suites pick the key in TLS 1.2, */
	/* signature algorithms in TLS 1.3. */
	if (ok && s->key_alg == SMTP_PROBE_KEY_RSA) {
		ok = SSL_set_cipher_list(s->ssl, "aRSA:!aNULL:!eNULL") == 1 &&
		    SSL_set1_sigalgs_list(s->ssl, rsa_sigalgs) == 1;
	} else if (ok && s->key_alg == SMTP_PROBE_KEY_ECDSA) {
		ok = SSL_set_cipher_list(s->ssl, "aECDSA:!aNULL:!eNULL") ==
		    1 && SSL_set1_sigalgs_list(s->ssl, ec_sigalgs) == 1;
	}
	if (!ok) {
		(void)mxd_err_ssl(&err, MXD_ECRYPTO, "TLS options");
		smtp_fail(s, SMTP_S_DONE, "TLS set-up: %s", err.msg);
		return MXD_ECRYPTO;
	}
	if (s->mode == SMTP_PROBE_DANE) {
		rc = dane_ssl_enable(s->ssl, s->sni,
		    (const char *const *)s->names, s->nnames, s->tlsa,
		    s->ntlsa, &s->accepted, &err);
		if (rc != 0) {
			smtp_fail(s, SMTP_S_DONE, "DANE set-up: %s", err.msg);
			return rc;
		}
		s->dane_on = s->accepted > 0;
		smtp_trace(s, "DANE: %zu of %zu TLSA records usable",
		    s->accepted, s->ntlsa);
	} else if (s->sni != NULL &&
	    SSL_set_tlsext_host_name(s->ssl, s->sni) != 1) {
		(void)mxd_err_ssl(&err, MXD_ECRYPTO, "SNI %s", s->sni);
		smtp_fail(s, SMTP_S_DONE, "TLS set-up: %s", err.msg);
		return MXD_ECRYPTO;
	}
	tbev = bufferevent_openssl_filter_new(s->base, s->bev, s->ssl,
	    BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (tbev == NULL) {
		/* libevent frees the SSL on this failure (CLOSE_ON_FREE). */
		s->ssl = NULL;
		return MXD_ENOMEM;
	}
	/* The filter now owns the socket bufferevent and the SSL. */
	s->bev = tbev;
	s->tls_filter = 1;
	bufferevent_setcb(tbev, read_cb, NULL, event_cb, s);
	bufferevent_setwatermark(tbev, EV_READ, 0, PROBE_READ_MAX);
	(void)bufferevent_enable(tbev, EV_READ | EV_WRITE);
	return 0;
}

/* smtp_tls_done - handshake complete: record TLS, then EHLO again */
static void
smtp_tls_done(struct smtp_probe *s)
{
	struct report_addr *out = s->out;

	out->tls = 1;
	out->ms_tls = ms_since(&s->t_tls);
	if (dane_ssl_peer(s->ssl, out) != 0) {
		smtp_fail(s, SMTP_S_DONE, "out of memory");
		return;
	}
	if (s->dane_on) {
		dane_ssl_verdict(s->ssl, s->tlsa, s->ntlsa, s->sni,
		    (const char *const *)s->names, s->nnames, out);
	}
	smtp_trace(s, "TLS: %s %s, %zu certificate(s)%s%s", out->tls_version,
	    out->cipher, out->nchain, s->dane_on ? ", DANE " : "",
	    s->dane_on ? report_addr_dane_str(out->dane) : "");
	if (s->on_tls != NULL) {
		s->on_tls(s->on_tls_arg, out);
	}
	smtp_enter(s, SMTP_S_EHLO_TLS);
}

/* smtp_verdict - the address verdict for the mode (RFC 7672 §2.2) */
static void
smtp_verdict(struct smtp_probe *s)
{
	struct report_addr *out = s->out;

	switch (s->mode) {
	case SMTP_PROBE_OPPORTUNISTIC:
		out->dane = REPORT_ADDR_NONE;
		break;
	case SMTP_PROBE_DANE:
		if (s->dane_on && out->tls) {
			break;		/* set by dane_ssl_verdict() */
		}
		/* No record accepted: TLS required, nothing to match. */
		out->dane = out->tls ? REPORT_ADDR_UNUSABLE : REPORT_ADDR_FAIL;
		break;
	case SMTP_PROBE_ENCRYPT:
		out->dane = out->tls ? REPORT_ADDR_UNUSABLE : REPORT_ADDR_FAIL;
		break;
	}
	if (out->dane != REPORT_ADDR_PASS) {
		out->depth = -1;
	}
}
