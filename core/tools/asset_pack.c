/* motcua-asset-pack: the build-time tool that turns the screens of display/
 * and the voice clips into a C source embedded in motcua-server.
 *
 *   motcua-asset-pack clip IN.wav OUT.wav
 *       trims the silence around an espeak-ng clip and resamples it to
 *       16 kHz mono 16-bit (smaller, and words join without long gaps)
 *   motcua-asset-pack chime OUT.wav
 *       synthesizes the three-note chime that opens every call
 *   motcua-asset-pack pack OUT.c NAME=PATH...
 *       writes the asset table (core/src/api/assets.h): each file gzip'ed
 *       when that saves at least 5 %, its content type and a strong ETag
 *
 * Runs on the build machine only; exits non-zero with a message on any
 * error, so a broken input stops the build. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util/xmalloc.h"

#define PACK_RATE 16000

struct pack_buf {
	unsigned char *data;
	size_t len;
};

__attribute__((format(printf, 1, 2), noreturn)) static void pack_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "motcua-asset-pack: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* Reads a whole file; dies when it cannot. */
static struct pack_buf pack_read(const char *path)
{
	struct pack_buf b = {0};
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		pack_die("cannot open %s", path);
	size_t cap = 65536;
	b.data = xmalloc(cap);
	size_t n;
	while ((n = fread(b.data + b.len, 1, cap - b.len, f)) > 0) {
		b.len += n;
		if (b.len == cap) {
			cap *= 2;
			b.data = xrealloc(b.data, cap);
		}
	}
	if (ferror(f))
		pack_die("cannot read %s", path);
	fclose(f);
	return b;
}

static void pack_put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void pack_put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)((v >> (8 * i)) & 0xff);
}

static uint32_t pack_get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Writes samples as a 16-bit mono PCM WAV file at PACK_RATE. */
static void pack_write_wav(const char *path, const int16_t *s, size_t n)
{
	unsigned char h[44];
	memcpy(h, "RIFF", 4);
	pack_put32(h + 4, (uint32_t)(36 + n * 2));
	memcpy(h + 8, "WAVEfmt ", 8);
	pack_put32(h + 16, 16);
	pack_put16(h + 20, 1); /* PCM */
	pack_put16(h + 22, 1); /* mono */
	pack_put32(h + 24, PACK_RATE);
	pack_put32(h + 28, PACK_RATE * 2);
	pack_put16(h + 32, 2);
	pack_put16(h + 34, 16);
	memcpy(h + 36, "data", 4);
	pack_put32(h + 40, (uint32_t)(n * 2));
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		pack_die("cannot create %s", path);
	fwrite(h, 1, sizeof h, f);
	for (size_t i = 0; i < n; i++) {
		unsigned char b[2];
		pack_put16(b, (uint16_t)s[i]);
		fwrite(b, 1, 2, f);
	}
	if (fclose(f) != 0)
		pack_die("cannot write %s", path);
}

/* clip: a 16-bit mono PCM WAV (espeak-ng writes 22050 Hz) → trimmed,
 * faded at both ends, resampled to PACK_RATE. */
static int pack_clip(const char *in, const char *out)
{
	struct pack_buf b = pack_read(in);
	if (b.len < 12 || memcmp(b.data, "RIFF", 4) || memcmp(b.data + 8, "WAVE", 4))
		pack_die("%s is not a WAV file", in);
	uint32_t rate = 0;
	const unsigned char *pcm = NULL;
	size_t pcm_len = 0;
	for (size_t off = 12; off + 8 <= b.len;) {
		uint32_t sz = pack_get32(b.data + off + 4);
		const unsigned char *body = b.data + off + 8;
		/* espeak-ng writing to a file leaves 0x7ffff… in the data
		 * chunk's size when it cannot seek back: clamp to the file. */
		size_t avail = b.len - off - 8;
		size_t len = sz > avail ? avail : sz;
		if (memcmp(b.data + off, "fmt ", 4) == 0 && len >= 16) {
			if (body[0] != 1 || body[2] != 1 || body[14] != 16)
				pack_die("%s: only 16-bit mono PCM is supported", in);
			rate = pack_get32(body + 4);
		} else if (memcmp(b.data + off, "data", 4) == 0) {
			pcm = body;
			pcm_len = len;
		}
		off += 8 + len + (len & 1);
	}
	if (rate == 0 || pcm == NULL)
		pack_die("%s: no fmt or data chunk", in);
	size_t n = pcm_len / 2;
	int16_t *s = xmalloc(n * sizeof *s);
	for (size_t i = 0; i < n; i++)
		s[i] = (int16_t)(pcm[2 * i] | pcm[2 * i + 1] << 8);

	/* The first and last sample louder than the threshold, with a little
	 * air kept around them. */
	const int threshold = 400;
	size_t first = 0, last = n;
	while (first < n && abs(s[first]) < threshold)
		first++;
	while (last > first && abs(s[last - 1]) < threshold)
		last--;
	if (first >= last)
		pack_die("%s: the clip is silent", in);
	size_t lead = rate * 15 / 1000, tail = rate * 40 / 1000;
	first = first > lead ? first - lead : 0;
	last = last + tail < n ? last + tail : n;

	/* Linear interpolation to PACK_RATE; espeak's output holds little above
	 * 5 kHz, so the aliasing this allows is inaudible. */
	size_t src_n = last - first;
	size_t dst_n = (size_t)((double)src_n * PACK_RATE / rate);
	int16_t *d = xmalloc(dst_n * sizeof *d);
	for (size_t i = 0; i < dst_n; i++) {
		double pos = (double)i * rate / PACK_RATE;
		size_t k = (size_t)pos;
		double frac = pos - (double)k;
		double a = s[first + k];
		double c = k + 1 < src_n ? s[first + k + 1] : a;
		d[i] = (int16_t)lrint(a + (c - a) * frac);
	}
	size_t fade = PACK_RATE * 5 / 1000;
	for (size_t i = 0; i < fade && i < dst_n; i++) {
		d[i] = (int16_t)(d[i] * (double)i / fade);
		d[dst_n - 1 - i] = (int16_t)(d[dst_n - 1 - i] * (double)i / fade);
	}
	pack_write_wav(out, d, dst_n);
	free(d);
	free(s);
	free(b.data);
	return 0;
}

/* chime: three rising notes (C5 E5 G5), each a bell-like tone (fundamental
 * and two partials) with an exponential decay, overlapping. */
static int pack_chime(const char *out)
{
	static const double notes[] = {523.25, 659.25, 783.99};
	const double step = 0.32, ring = 1.1;
	size_t n = (size_t)((step * 2 + ring) * PACK_RATE);
	double *mix = xcalloc(n, sizeof *mix);
	for (int k = 0; k < 3; k++) {
		size_t at = (size_t)(k * step * PACK_RATE);
		for (size_t i = 0; at + i < n && i < (size_t)(ring * PACK_RATE); i++) {
			double t = (double)i / PACK_RATE;
			double env = exp(-3.2 * t) * (t < 0.005 ? t / 0.005 : 1.0);
			double f = notes[k];
			double v = sin(2 * M_PI * f * t) + 0.35 * sin(2 * M_PI * 2 * f * t) +
			           0.12 * sin(2 * M_PI * 3 * f * t) * exp(-6 * t);
			mix[at + i] += env * v;
		}
	}
	double peak = 0;
	for (size_t i = 0; i < n; i++)
		if (fabs(mix[i]) > peak)
			peak = fabs(mix[i]);
	int16_t *s = xmalloc(n * sizeof *s);
	for (size_t i = 0; i < n; i++) {
		double fade = i + 800 > n ? (double)(n - i) / 800 : 1.0;
		s[i] = (int16_t)lrint(mix[i] / peak * 0.7 * 32767 * fade);
	}
	pack_write_wav(out, s, n);
	free(s);
	free(mix);
	return 0;
}

static const char *pack_content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".mjs", "text/javascript; charset=utf-8"},
	    {".json", "application/json; charset=utf-8"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	    {".woff2", "font/woff2"},
	    {".wav", "audio/wav"},
	    {".ogg", "audio/ogg"},
	    {".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	pack_die("no content type known for %s", name);
	return NULL;
}

/* The gzip form of b (zlib, level 9, no file name, mtime 0: reproducible). */
static struct pack_buf pack_gzip(struct pack_buf b)
{
	z_stream z = {0};
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		pack_die("%s", "deflateInit2 failed");
	struct pack_buf g;
	g.len = deflateBound(&z, (uLong)b.len) + 32;
	g.data = xmalloc(g.len);
	z.next_in = b.data;
	z.avail_in = (uInt)b.len;
	z.next_out = g.data;
	z.avail_out = (uInt)g.len;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		pack_die("%s", "deflate failed");
	g.len = z.total_out;
	deflateEnd(&z);
	return g;
}

/* FNV-1a, 64 bits: the ETag needs change detection, not security. */
static uint64_t pack_hash(struct pack_buf b)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < b.len; i++) {
		h ^= b.data[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void pack_c_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* pack: NAME=PATH... → the table of assets_data.c. */
static int pack_pack(const char *out, int argc, char **argv)
{
	char tmp[4096];
	/* A name of its own: two builds in one tree must not share it. */
	if (snprintf(tmp, sizeof tmp, "%s.%ld.tmp", out, (long)getpid()) >= (int)sizeof tmp)
		pack_die("path too long: %s", out);
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		pack_die("cannot create %s", tmp);
	fprintf(f, "/* Generated by motcua-asset-pack from display/: do not edit. */\n"
	           "#include \"api/assets.h\"\n\n");
	char **names = xmalloc((size_t)argc * sizeof *names);
	size_t *raw = xmalloc((size_t)argc * sizeof *raw);
	size_t *len = xmalloc((size_t)argc * sizeof *len);
	bool *gz = xmalloc((size_t)argc * sizeof *gz);
	uint64_t *hash = xmalloc((size_t)argc * sizeof *hash);
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (eq == NULL || eq == argv[i])
			pack_die("expected NAME=PATH, not %s", argv[i]);
		*eq = '\0';
		names[i] = argv[i];
		struct pack_buf b = pack_read(eq + 1);
		struct pack_buf g = pack_gzip(b);
		raw[i] = b.len;
		hash[i] = pack_hash(b);
		gz[i] = g.len * 100 <= b.len * 95;
		struct pack_buf use = gz[i] ? g : b;
		len[i] = use.len;
		fprintf(f, "static const unsigned char asset_%d[] = {", i);
		for (size_t k = 0; k < use.len; k++)
			fprintf(f, "%s%u,", k % 24 ? "" : "\n", use.data[k]);
		fprintf(f, "0};\n");
		free(b.data);
		free(g.data);
	}
	fprintf(f, "\nconst struct asset assets_table[] = {\n");
	for (int i = 0; i < argc; i++) {
		fprintf(f, "\t{");
		pack_c_string(f, names[i]);
		fprintf(f, ", ");
		pack_c_string(f, pack_content_type(names[i]));
		fprintf(f, ", asset_%d, %zu, %zu, %s, \"\\\"%016llx\\\"\"},\n", i, len[i], raw[i],
		        gz[i] ? "true" : "false", (unsigned long long)hash[i]);
	}
	fprintf(f, "};\n\nconst size_t assets_count = %d;\n", argc);
	free(names);
	free(raw);
	free(len);
	free(gz);
	free(hash);
	if (fclose(f) != 0)
		pack_die("cannot write %s", tmp);
	if (rename(tmp, out) != 0)
		pack_die("cannot rename to %s", out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "clip") == 0)
		return pack_clip(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "chime") == 0)
		return pack_chime(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "pack") == 0)
		return pack_pack(argv[2], argc - 3, argv + 3);
	fprintf(stderr, "usage: motcua-asset-pack clip IN.wav OUT.wav\n"
	                "       motcua-asset-pack chime OUT.wav\n"
	                "       motcua-asset-pack pack OUT.c NAME=PATH...\n");
	return 2;
}
