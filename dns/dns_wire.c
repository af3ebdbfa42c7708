/*
 * dns_wire.c - the small part of the DNS wire format (RFC 1035 §3.1, §4.1)
 * mxdane reads itself: names with compression, the CNAME links in the
 * answer section of a reply, and MX RDATA. libunbound gives the records of
 * the answer RRset, but only the final name of a CNAME chain; the links
 * come from its answer packet.
 *
 * Every packet is hostile: each read is checked against the buffer length,
 * compression pointers must point backwards (so they cannot loop), a name
 * is at most 255 octets on the wire, and section counts larger than the
 * packet are an error, not a long loop.
 */
#include <string.h>

#include "common/mxd.h"
#include "dns/dns.h"

#define WIRE_NAME_MAX	255	/* RFC 1035 §3.1 */
#define WIRE_JUMPS_MAX	64
#define WIRE_LINKS_MAX	64	/* CNAME records looked at per reply */

struct link {
	char	owner[DNS_NAME_MAX];
	char	target[DNS_NAME_MAX];
};

static int	put_char(char *out, size_t outsz, size_t *o, int c);
static int	put_label_byte(char *out, size_t outsz, size_t *o, uint8_t c);
static uint16_t	get16(const uint8_t *p);
static int	name_read(const uint8_t *pkt, size_t len, size_t *off,
		    char *out, size_t outsz, int allow_ptr);

/* get16 - a 16-bit value in network order */
static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* put_char - one character of output, keeping room for the NUL */
static int
put_char(char *out, size_t outsz, size_t *o, int c)
{
	if (*o + 1 >= outsz) {
		return MXD_EBADDATA;
	}
	out[(*o)++] = (char)c;
	out[*o] = '\0';
	return 0;
}

/* put_label_byte - one octet of a label in presentation form */
static int
put_label_byte(char *out, size_t outsz, size_t *o, uint8_t c)
{
	char	esc[5];
	size_t	i;

	if (c >= 'A' && c <= 'Z') {
		c = (uint8_t)(c - 'A' + 'a');
	}
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	    c == '_' || c == '*') {
		return put_char(out, outsz, o, c);
	}
	esc[0] = '\\';
	esc[1] = (char)('0' + c / 100);
	esc[2] = (char)('0' + (c / 10) % 10);
	esc[3] = (char)('0' + c % 10);
	esc[4] = '\0';
	for (i = 0; i < 4; i++) {
		if (put_char(out, outsz, o, esc[i]) != 0) {
			return MXD_EBADDATA;
		}
	}
	return 0;
}

/* dns_wire_name - read a possibly compressed name as text */
int
dns_wire_name(const uint8_t *pkt, size_t len, size_t *off, char *out,
    size_t outsz)
{
	return name_read(pkt, len, off, out, outsz, 1);
}

/* name_read - a name as text; compression pointers only if allowed */
static int
name_read(const uint8_t *pkt, size_t len, size_t *off, char *out,
    size_t outsz, int allow_ptr)
{
	size_t	pos, end = 0, o = 0, wire = 0, i;
	int	jumped = 0, jumps = 0;
	uint8_t	c;

	if (pkt == NULL || off == NULL || out == NULL || outsz < 2) {
		return MXD_EINVAL;
	}
	out[0] = '\0';
	pos = *off;
	for (;;) {
		if (pos >= len) {
			return MXD_EBADDATA;		/* truncated */
		}
		c = pkt[pos];
		if (c == 0) {
			wire++;
			if (!jumped) {
				end = pos + 1;
			}
			break;
		}
		if ((c & 0xc0) == 0xc0) {
			size_t ptr;

			if (!allow_ptr || pos + 1 >= len) {
				return MXD_EBADDATA;
			}
			ptr = (size_t)(((c & 0x3f) << 8) | pkt[pos + 1]);
			/* Backwards only: a pointer can never loop. */
			if (ptr >= pos || ++jumps > WIRE_JUMPS_MAX) {
				return MXD_EBADDATA;
			}
			if (!jumped) {
				end = pos + 2;
				jumped = 1;
			}
			pos = ptr;
			continue;
		}
		if ((c & 0xc0) != 0) {
			return MXD_EBADDATA;		/* RFC 6891 ext. labels */
		}
		wire += (size_t)c + 1;
		if (wire + 1 > WIRE_NAME_MAX || pos + 1 + c > len) {
			return MXD_EBADDATA;
		}
		if (o > 0 && put_char(out, outsz, &o, '.') != 0) {
			return MXD_EBADDATA;
		}
		for (i = 0; i < c; i++) {
			if (put_label_byte(out, outsz, &o, pkt[pos + 1 + i]) !=
			    0) {
				return MXD_EBADDATA;
			}
		}
		pos += (size_t)c + 1;
	}
	if (o == 0 && put_char(out, outsz, &o, '.') != 0) {
		return MXD_EBADDATA;
	}
	*off = end;
	return 0;
}

/* dns_wire_cname_chain - the CNAME links from qname, in order */
int
dns_wire_cname_chain(const uint8_t *pkt, size_t len, const char *qname,
    struct dns_cname *chain, size_t max, size_t *n)
{
	struct link	*links = NULL;
	char		 name[DNS_NAME_MAX], cur[DNS_NAME_MAX];
	size_t		 off, nlinks = 0, i, k;
	unsigned	 qd, an;
	int		 rc = MXD_EBADDATA;

	if (pkt == NULL || qname == NULL || n == NULL ||
	    (chain == NULL && max > 0)) {
		return MXD_EINVAL;
	}
	*n = 0;
	if (len < 12) {
		return MXD_EBADDATA;
	}
	qd = get16(pkt + 4);
	an = get16(pkt + 6);
	off = 12;
	for (i = 0; i < qd; i++) {
		if (dns_wire_name(pkt, len, &off, name, sizeof(name)) != 0 ||
		    off + 4 > len) {
			return MXD_EBADDATA;
		}
		off += 4;
	}
	links = mxd_calloc(WIRE_LINKS_MAX, sizeof(*links));
	if (links == NULL) {
		return MXD_ENOMEM;
	}
	for (i = 0; i < an; i++) {
		uint16_t	type, rdlen;
		size_t		rdoff;

		if (dns_wire_name(pkt, len, &off, name, sizeof(name)) != 0 ||
		    off + 10 > len) {
			goto out;
		}
		type = get16(pkt + off);
		rdlen = get16(pkt + off + 8);
		off += 10;
		if (off + rdlen > len) {
			goto out;
		}
		rdoff = off;
		off += rdlen;
		if (type != DNS_T_CNAME) {
			continue;
		}
		if (nlinks == WIRE_LINKS_MAX) {
			goto out;
		}
		memcpy(links[nlinks].owner, name, sizeof(name));
		if (dns_wire_name(pkt, len, &rdoff, links[nlinks].target,
		    sizeof(links[nlinks].target)) != 0 || rdoff != off) {
			goto out;
		}
		nlinks++;
	}
	if (dns_name_canon(qname, cur, sizeof(cur)) != 0) {
		goto out;
	}
	for (k = 0; k <= WIRE_LINKS_MAX; k++) {
		for (i = 0; i < nlinks; i++) {
			if (strcmp(links[i].owner, cur) == 0) {
				break;
			}
		}
		if (i == nlinks) {
			rc = 0;			/* end of the chain */
			goto out;
		}
		if (*n == max) {
			goto out;		/* too long, or a loop */
		}
		memcpy(chain[*n].owner, links[i].owner, DNS_NAME_MAX);
		memcpy(chain[*n].target, links[i].target, DNS_NAME_MAX);
		(*n)++;
		memcpy(cur, links[i].target, DNS_NAME_MAX);
	}
out:
	mxd_free(links);
	return rc;
}

/* dns_wire_mx - preference and exchange of one MX RDATA */
int
dns_wire_mx(const uint8_t *rdata, size_t len, unsigned *pref, char *host,
    size_t hostsz)
{
	size_t off = 2;

	if (rdata == NULL || pref == NULL || host == NULL) {
		return MXD_EINVAL;
	}
	if (len < 3) {
		return MXD_EBADDATA;
	}
	*pref = get16(rdata);
	/* RDATA from libunbound is decompressed: a pointer is garbage. */
	if (name_read(rdata, len, &off, host, hostsz, 0) != 0 || off != len) {
		return MXD_EBADDATA;
	}
	return 0;
}

/* dns_name_canon - lower case, no trailing dot */
int
dns_name_canon(const char *in, char *out, size_t outsz)
{
	size_t len, i;

	if (in == NULL || out == NULL || outsz == 0) {
		return MXD_EINVAL;
	}
	len = strlen(in);
	if (len > 1 && in[len - 1] == '.') {
		len--;
	}
	if (len == 0 || len >= outsz) {
		return MXD_EBADDATA;
	}
	for (i = 0; i < len; i++) {
		char c = in[i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[len] = '\0';
	return 0;
}

/* dns_wire_soa_owner - the zone of a reply: owner of its first SOA */
int
dns_wire_soa_owner(const uint8_t *pkt, size_t len, char *zone,
    size_t zonesz)
{
	char		name[DNS_NAME_MAX];
	size_t		off = 12, i;
	unsigned	qd, rrs;

	if (pkt == NULL || zone == NULL || zonesz == 0) {
		return MXD_EINVAL;
	}
	if (len < 12) {
		return MXD_EBADDATA;
	}
	qd = get16(pkt + 4);
	/* Answer and authority sections, in order (RFC 2308 §3). */
	rrs = (unsigned)get16(pkt + 6) + get16(pkt + 8);
	for (i = 0; i < qd; i++) {
		if (dns_wire_name(pkt, len, &off, name, sizeof(name)) != 0 ||
		    off + 4 > len) {
			return MXD_EBADDATA;
		}
		off += 4;
	}
	for (i = 0; i < rrs; i++) {
		uint16_t type, rdlen;

		if (dns_wire_name(pkt, len, &off, name, sizeof(name)) != 0 ||
		    off + 10 > len) {
			return MXD_EBADDATA;
		}
		type = get16(pkt + off);
		rdlen = get16(pkt + off + 8);
		off += 10;
		if (off + rdlen > len) {
			return MXD_EBADDATA;
		}
		off += rdlen;
		if (type == DNS_T_SOA) {
			if (strlen(name) >= zonesz) {
				return MXD_EBADDATA;
			}
			memcpy(zone, name, strlen(name) + 1);
			return 0;
		}
	}
	return MXD_ENOENT;
}
