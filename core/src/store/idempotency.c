#include "store/idempotency.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_internal.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Keys are kept for a day: long enough for any client's retries. */
#define IDEM_KEEP_SECONDS 86400
/* A reservation older than this lost its server mid-request. */
#define IDEM_STALE_SECONDS 60

/* The stored record (column `body`), all text:
 *   "s1." KEYID "." REQUEST "." SEALED
 * KEYID: 16 hex, names the key file that sealed it; REQUEST: 64 hex, the keyed
 * hash of method, path and body; SEALED: base64 of nonce || ciphertext of the
 * answer, with (principal, key, status) as associated data; empty while a
 * reservation runs. */
#define IDEM_PREFIX "s1."
#define IDEM_KEYID_HEX 16
#define IDEM_MAC_BYTES 32
#define IDEM_MAC_HEX (IDEM_MAC_BYTES * 2)

struct idem_seal {
	unsigned char mac_key[crypto_generichash_KEYBYTES];
	unsigned char seal_key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	char keyid[IDEM_KEYID_HEX + 1];
};

static void idem_seal_derive(struct idem_seal *seal, const unsigned char master[32])
{
	static const char ctx[crypto_kdf_CONTEXTBYTES] = {'m', 'c', 'i', 'd', 'e', 'm', 'p', '1'};
	/* crypto_kdf derives at least crypto_kdf_BYTES_MIN (16) bytes: the key id
	 * is the first 8 of such a subkey. */
	unsigned char id[crypto_kdf_BYTES_MIN];
	_Static_assert(IDEM_KEYID_HEX / 2 <= crypto_kdf_BYTES_MIN, "key id fits a subkey");
	if (crypto_kdf_derive_from_key(seal->mac_key, sizeof seal->mac_key, 1, ctx, master) != 0 ||
	    crypto_kdf_derive_from_key(seal->seal_key, sizeof seal->seal_key, 2, ctx, master) !=
	        0 ||
	    crypto_kdf_derive_from_key(id, sizeof id, 3, ctx, master) != 0) {
		log_error("idempotency: key derivation failed");
		abort(); /* fixed sizes within libsodium's bounds: a build error */
	}
	sodium_bin2hex(seal->keyid, sizeof seal->keyid, id, IDEM_KEYID_HEX / 2);
	sodium_memzero(id, sizeof id);
}

/* Creates the key file at path with a new random key; MC_OK or an error. */
static enum mc_err idem_seal_create(const char *path, unsigned char master[32],
                                    struct mc_error *err)
{
	char hex[65];
	randombytes_buf(master, 32);
	sodium_bin2hex(hex, sizeof hex, master, 32);
	hex[64] = '\n';
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return mc_failf(err, MC_ERR_INTERNAL, "idempotency_key_file",
		                "Không tạo được tệp khóa Idempotency-Key",
		                "cannot create the idempotency key file %.150s: %s", path,
		                strerror(errno));
	bool ok = write(fd, hex, sizeof hex) == (ssize_t)sizeof hex && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	sodium_memzero(hex, sizeof hex);
	if (!ok) {
		unlink(path);
		return mc_failf(err, MC_ERR_INTERNAL, "idempotency_key_file",
		                "Không ghi được tệp khóa Idempotency-Key",
		                "cannot write the idempotency key file %.150s", path);
	}
	log_info("idempotency: created the key file %s (keep it out of backups of the database)",
	         path);
	return MC_OK;
}

enum mc_err idem_seal_open(const char *path, struct idem_seal **out, struct mc_error *err)
{
	unsigned char master[32];
	char hex[80];
	enum mc_err rc = MC_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if ((rc = idem_seal_create(path, master, err)) != MC_OK)
			goto out;
	} else if (fd < 0) {
		rc = mc_failf(err, MC_ERR_INTERNAL, "idempotency_key_file",
		              "Không đọc được tệp khóa Idempotency-Key",
		              "cannot read the idempotency key file %.150s: %s", path,
		              strerror(errno));
		goto out;
	} else {
		struct stat sb;
		if (fstat(fd, &sb) == 0 && (sb.st_mode & 077))
			log_warn("idempotency: %s is readable by others; chmod 600 it", path);
		ssize_t n = read(fd, hex, sizeof hex - 1);
		close(fd);
		hex[n > 0 ? n : 0] = '\0';
		size_t bin_len = 0;
		if (n < 64 ||
		    sodium_hex2bin(master, sizeof master, hex, 64, NULL, &bin_len, NULL) != 0 ||
		    bin_len != sizeof master || strspn(hex + 64, "\r\n") != strlen(hex + 64)) {
			rc = mc_failf(err, MC_ERR_INVALID, "idempotency_key_file",
			              "Tệp khóa Idempotency-Key không hợp lệ",
			              "%.150s must hold 64 hex characters", path);
			goto out;
		}
	}
	struct idem_seal *seal = xcalloc(1, sizeof *seal);
	idem_seal_derive(seal, master);
	*out = seal;
out:
	sodium_memzero(master, sizeof master);
	sodium_memzero(hex, sizeof hex);
	return rc;
}

void idem_seal_free(struct idem_seal *seal)
{
	if (seal == NULL)
		return;
	sodium_memzero(seal, sizeof *seal);
	free(seal);
}

char *idem_seal_default_path(const char *db_path)
{
	char name[128];
	if (!db_target_database(db_path, name, sizeof name))
		return xasprintf("%s.idem-key", db_path);
	/* A PostgreSQL database has no file to sit beside: the server's state
	 * folder (systemd's StateDirectory, the first of a list) or the
	 * current one, the file named after the database. */
	for (char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			*p = '_';
	const char *dir = getenv("STATE_DIRECTORY");
	if (dir == NULL || *dir == '\0')
		return xasprintf("%s.idem-key", name);
	return xasprintf("%.*s/%s.idem-key", (int)strcspn(dir, ":"), dir, name);
}

/* The keyed hash of q's method, path and body, as hex. */
static void idem_request_mac(const struct idem_seal *seal, const struct idem_request *q,
                             char out[IDEM_MAC_HEX + 1])
{
	crypto_generichash_state h;
	unsigned char mac[IDEM_MAC_BYTES];
	crypto_generichash_init(&h, seal->mac_key, sizeof seal->mac_key, sizeof mac);
	/* Each part with its terminator, so no two requests hash alike by
	 * moving bytes between method, path and body. */
	crypto_generichash_update(&h, (const unsigned char *)q->method, strlen(q->method) + 1);
	crypto_generichash_update(&h, (const unsigned char *)q->path, strlen(q->path) + 1);
	if (q->body && q->body_len)
		crypto_generichash_update(&h, (const unsigned char *)q->body, q->body_len);
	crypto_generichash_final(&h, mac, sizeof mac);
	sodium_bin2hex(out, IDEM_MAC_HEX + 1, mac, sizeof mac);
}

/* The associated data binding a sealed answer to its row and status. */
static char *idem_ad(const struct idem_request *q, int status, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, q->principal);
	strbuf_append(&sb, "", 1);
	strbuf_puts(&sb, q->key);
	strbuf_append(&sb, "", 1);
	strbuf_printf(&sb, "%d", status);
	return strbuf_detach(&sb, len);
}

/* The stored record of q with answer (NULL: a reservation). Newly allocated. */
static char *idem_record(const struct idem_seal *seal, const struct idem_request *q, int status,
                         const char *answer)
{
	char mac[IDEM_MAC_HEX + 1];
	idem_request_mac(seal, q, mac);
	struct strbuf sb = STRBUF_INIT;
	strbuf_printf(&sb, IDEM_PREFIX "%s.%s.", seal->keyid, mac);
	if (answer) {
		size_t alen = strlen(answer), adlen;
		size_t blen = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + alen +
		              crypto_aead_xchacha20poly1305_ietf_ABYTES;
		unsigned char *box = xmalloc(blen);
		unsigned long long clen;
		char *ad = idem_ad(q, status, &adlen);
		randombytes_buf(box, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
		crypto_aead_xchacha20poly1305_ietf_encrypt(
		    box + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
		    (const unsigned char *)answer, alen, (const unsigned char *)ad, adlen, NULL,
		    box, seal->seal_key);
		size_t b64len = sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = xmalloc(b64len);
		sodium_bin2base64(b64, b64len, box, blen, sodium_base64_VARIANT_ORIGINAL);
		strbuf_puts(&sb, b64);
		free(b64);
		free(box);
		free(ad);
	}
	return strbuf_detach(&sb, NULL);
}

/* Reads a stored record against q: IDEM_REPLAY with *answer (newly allocated;
 * NULL for a reservation), IDEM_OTHER or IDEM_UNAVAILABLE. */
static enum idem_found idem_open(const struct idem_seal *seal, const struct idem_request *q,
                                 const char *record, int status, char **answer)
{
	size_t plen = strlen(IDEM_PREFIX);
	if (strncmp(record, IDEM_PREFIX, plen) != 0 ||
	    strlen(record) < plen + IDEM_KEYID_HEX + 1 + IDEM_MAC_HEX + 1)
		return IDEM_UNAVAILABLE;
	const char *keyid = record + plen;
	const char *mac = keyid + IDEM_KEYID_HEX + 1;
	const char *sealed = mac + IDEM_MAC_HEX + 1;
	if (strncmp(keyid, seal->keyid, IDEM_KEYID_HEX) != 0)
		return IDEM_UNAVAILABLE;
	char want[IDEM_MAC_HEX + 1];
	idem_request_mac(seal, q, want);
	if (sodium_memcmp(want, mac, IDEM_MAC_HEX) != 0)
		return IDEM_OTHER;
	*answer = NULL;
	if (*sealed == '\0')
		return IDEM_REPLAY; /* a reservation: no answer yet */
	size_t slen = strlen(sealed), blen = 0, adlen;
	unsigned char *box = xmalloc(slen);
	enum idem_found found = IDEM_UNAVAILABLE;
	char *ad = idem_ad(q, status, &adlen);
	if (sodium_base642bin(box, slen, sealed, slen, NULL, &blen, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    blen < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
	               crypto_aead_xchacha20poly1305_ietf_ABYTES)
		goto out;
	size_t clen = blen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	char *plain = xmalloc(clen + 1);
	unsigned long long mlen;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
	        (unsigned char *)plain, &mlen, NULL,
	        box + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, clen, (const unsigned char *)ad,
	        adlen, box, seal->seal_key) != 0) {
		free(plain);
		goto out;
	}
	plain[mlen] = '\0';
	*answer = plain;
	found = IDEM_REPLAY;
out:
	free(box);
	free(ad);
	return found;
}

enum idem_found store_idem_find(struct store *st, const struct idem_seal *seal,
                                const struct idem_request *q, int *status, char **body)
{
	struct store_conn *c = store_write_conn(st);
	enum idem_found found = IDEM_NEW;
	db_stmt *s = store_stmt(c, "SELECT method, path, status, body FROM idempotency"
	                           " WHERE principal = ? AND key = ?");
	if (s == NULL)
		return IDEM_NEW;
	db_bind_text(s, 1, q->principal, -1, DB_STATIC);
	db_bind_text(s, 2, q->key, -1, DB_STATIC);
	int step = db_step(s);
	if (step == DB_ROW) {
		int st_code = db_column_int(s, 2);
		char *answer = NULL;
		if (strcmp(store_col_text(s, 0), q->method) != 0 ||
		    strcmp(store_col_text(s, 1), q->path) != 0)
			found = IDEM_OTHER;
		else
			found = idem_open(seal, q, store_col_text(s, 3), st_code, &answer);
		if (found == IDEM_REPLAY) {
			*status = st_code;
			*body = answer ? answer : xstrdup("");
		}
	} else if (step != DB_DONE) {
		store_sql_error(c, "idempotency", NULL);
	}
	db_reset(s);
	return found;
}

/* Inserts the record of q (answer NULL: a reservation with status 0). */
static enum mc_err idem_insert(struct store *st, const struct idem_seal *seal,
                               const struct idem_request *q, int status, const char *answer,
                               struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	int64_t now = clock_now();
	enum mc_err rc;
	char *record = NULL;
	db_stmt *s = store_stmt(c, "DELETE FROM idempotency WHERE created_at < ?");
	if (s == NULL) {
		rc = store_sql_error(c, "idempotency", err);
		goto out;
	}
	db_bind_int64(s, 1, now - IDEM_KEEP_SECONDS);
	if ((rc = store_step(c, s, "idempotency", err)))
		goto out;
	s = store_stmt(c, "INSERT INTO idempotency (principal, key, method, path, status, body,"
	                  " created_at) VALUES (?,?,?,?,?,?,?)");
	if (s == NULL) {
		rc = store_sql_error(c, "idempotency", err);
		goto out;
	}
	record = idem_record(seal, q, status, answer);
	db_bind_text(s, 1, q->principal, -1, DB_STATIC);
	db_bind_text(s, 2, q->key, -1, DB_STATIC);
	db_bind_text(s, 3, q->method, -1, DB_STATIC);
	db_bind_text(s, 4, q->path, -1, DB_STATIC);
	db_bind_int(s, 5, status);
	db_bind_text(s, 6, record, -1, DB_STATIC);
	db_bind_int64(s, 7, now);
	rc = store_step(c, s, "idempotency", err);
out:
	free(record);
	return rc;
}

enum mc_err store_idem_save(struct store *st, const struct idem_seal *seal,
                            const struct idem_request *q, int status, const char *body,
                            struct mc_error *err)
{
	return idem_insert(st, seal, q, status, body ? body : "", err);
}

enum idem_found store_idem_reserve(struct store *st, const struct idem_seal *seal,
                                   const struct idem_request *q, int *status, char **body)
{
	struct mc_error err;
	if (store_begin(st, &err) != MC_OK) {
		/* The store is failing: let the handler run and report it. */
		return IDEM_NEW;
	}
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "DELETE FROM idempotency WHERE principal = ? AND key = ?"
	                           " AND status = 0 AND created_at < ?");
	if (s) {
		db_bind_text(s, 1, q->principal, -1, DB_STATIC);
		db_bind_text(s, 2, q->key, -1, DB_STATIC);
		db_bind_int64(s, 3, clock_now() - IDEM_STALE_SECONDS);
	}
	/* A failed statement ends the transaction's use (PostgreSQL aborts
	 * it): as when the store cannot begin, the handler runs and reports. */
	if (s == NULL || store_step(c, s, "idempotency", NULL) != MC_OK) {
		store_rollback(st);
		return IDEM_NEW;
	}
	enum idem_found found = store_idem_find(st, seal, q, status, body);
	if (found != IDEM_NEW) {
		store_rollback(st);
		return found;
	}
	if (idem_insert(st, seal, q, 0, NULL, &err) != MC_OK) {
		store_rollback(st);
		return IDEM_NEW;
	}
	store_commit(st, &err);
	return IDEM_NEW;
}

void store_idem_complete(struct store *st, const struct idem_seal *seal,
                         const struct idem_request *q, int status, const char *body)
{
	struct mc_error err;
	char *record = NULL;
	if (store_begin(st, &err) != MC_OK)
		return;
	struct store_conn *c = store_write_conn(st);
	bool ok = status >= 200 && status <= 299;
	db_stmt *s = ok ? store_stmt(c, "UPDATE idempotency SET status = ?3, body = ?4"
	                                " WHERE principal = ?1 AND key = ?2 AND status = 0")
	                : store_stmt(c, "DELETE FROM idempotency WHERE principal = ?1 AND key = ?2"
	                                " AND status = 0");
	if (s) {
		db_bind_text(s, 1, q->principal, -1, DB_STATIC);
		db_bind_text(s, 2, q->key, -1, DB_STATIC);
		if (ok) {
			record = idem_record(seal, q, status, body ? body : "");
			db_bind_int(s, 3, status);
			db_bind_text(s, 4, record, -1, DB_STATIC);
		}
	}
	if (s && store_step(c, s, "idempotency", NULL) == MC_OK)
		store_commit(st, &err);
	else
		store_rollback(st); /* logged; the reservation goes stale */
	free(record);
}

int store_idem_drop_unsealed(struct store *st)
{
	struct mc_error err;
	if (store_begin(st, &err) != MC_OK)
		return -1;
	struct store_conn *c = store_write_conn(st);
	db_stmt *s =
	    store_stmt(c, "DELETE FROM idempotency WHERE substr(body, 1, 3) <> '" IDEM_PREFIX "'");
	if (s == NULL || store_step(c, s, "idempotency", &err) != MC_OK) {
		store_rollback(st);
		return -1;
	}
	int n = db_changes(c->db);
	if (store_commit(st, &err) != MC_OK)
		return -1;
	if (n > 0)
		log_info("idempotency: dropped %d answers stored in clear by an older version", n);
	return n;
}
