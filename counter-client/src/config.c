/* The configuration file: config_dir/counter.json, mode 0600, written through
 * a temporary file and rename(2) so a crash never leaves half a file. It holds
 * the session token, so it is never readable by others. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "counter.h"
#include "util/xmalloc.h"

#define CC_DEFAULT_SERVER "http://127.0.0.1:8080"

static char *config_path(struct cc *c)
{
	return xasprintf("%s/counter.json", c->config_dir);
}

static char *config_dup(json_t *root, const char *key)
{
	const char *s = cc_str(root, key, NULL);
	return s && *s ? xstrdup(s) : NULL;
}

int cc_config_load(struct cc *c)
{
	char *path = config_path(c);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (root == NULL) {
		int missing = access(path, F_OK) != 0 && errno == ENOENT;
		if (!missing) {
			cc_fail(c, CC_ERR,
			        T(c, "Tệp cấu hình %s hỏng (%s): hãy xóa nó rồi đăng nhập lại.",
			          "The configuration file %s is damaged (%s): delete it and log in "
			          "again."),
			        path, jerr.text);
			free(path);
			return CC_ERR;
		}
		root = json_object();
	}
	free(path);
	c->cfg.server = config_dup(root, "server");
	c->cfg.username = config_dup(root, "username");
	c->cfg.token = config_dup(root, "token");
	c->cfg.printer = config_dup(root, "printer");
	json_t *n = json_object_get(root, "counter");
	c->cfg.counter = json_is_integer(n) ? (int)json_integer_value(n) : 0;
	json_t *sec = json_object_get(root, "secrets");
	c->cfg.secrets = json_is_object(sec) ? json_incref(sec) : json_object();
	json_decref(root);
	return CC_OK;
}

/* mkdir -p with mode 0700 for the directories it creates. */
static int config_mkdirs(const char *dir)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0700) != 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

int cc_config_save(struct cc *c)
{
	json_t *root = json_object();
	if (c->cfg.server)
		json_object_set_new(root, "server", json_string(c->cfg.server));
	if (c->cfg.username)
		json_object_set_new(root, "username", json_string(c->cfg.username));
	if (c->cfg.token)
		json_object_set_new(root, "token", json_string(c->cfg.token));
	if (c->cfg.counter > 0)
		json_object_set_new(root, "counter", json_integer(c->cfg.counter));
	if (c->cfg.printer)
		json_object_set_new(root, "printer", json_string(c->cfg.printer));
	/* Only the most recent receipts' secrets are worth keeping. */
	while (json_object_size(c->cfg.secrets) > 200) {
		const char *first = json_object_iter_key(json_object_iter(c->cfg.secrets));
		json_object_del(c->cfg.secrets, first);
	}
	json_object_set(root, "secrets", c->cfg.secrets);

	char *path = config_path(c), *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int rc = CC_ERR, fd = -1;
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (config_mkdirs(c->config_dir) != 0)
		goto out;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		off += (size_t)w;
	}
	if (write(fd, "\n", 1) != 1 || fchmod(fd, 0600) != 0 || fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto out;
	rc = CC_OK;
out:
	if (rc != CC_OK) {
		cc_fail(c, CC_ERR,
		        T(c, "Không ghi được tệp cấu hình %s: %s",
		          "Cannot write the configuration file %s: %s"),
		        path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
	}
	free(text);
	free(tmp);
	free(path);
	return rc;
}

void cc_config_free(struct cc_config *cfg)
{
	free(cfg->server);
	free(cfg->username);
	free(cfg->token);
	free(cfg->printer);
	json_decref(cfg->secrets);
	memset(cfg, 0, sizeof *cfg);
}

const char *cc_server(struct cc *c)
{
	if (c->server_opt)
		return c->server_opt;
	return c->cfg.server ? c->cfg.server : CC_DEFAULT_SERVER;
}

int cc_need_login(struct cc *c)
{
	if (c->cfg.token)
		return CC_OK;
	return cc_fail(c, CC_AUTH,
	               T(c, "Chưa đăng nhập. Hãy đăng nhập: motcua-counter login",
	                 "Not logged in. Log in with: motcua-counter login"));
}

int cc_need_counter(struct cc *c)
{
	if (c->cfg.counter > 0)
		return CC_OK;
	return cc_fail(c, CC_USAGE,
	               T(c, "Chưa biết quầy của bạn. Hãy mở quầy: motcua-counter counter open SỐ",
	                 "Your counter is not known yet. Open it: motcua-counter counter open N"));
}
