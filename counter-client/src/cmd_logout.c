/* logout: ends the session on the server and forgets the token. */
#include <stdio.h>
#include <stdlib.h>

#include "counter.h"

static int cmd_logout(struct cc *c, int argc, char **argv)
{
	if (argc > 1)
		return cc_usage(c, &cmd_logout_entry);
	if (c->cfg.token == NULL) {
		printf("%s\n", T(c, "Chưa đăng nhập.", "Not logged in."));
		return CC_OK;
	}
	struct cc_response resp;
	cc_request(c, "DELETE", "/api/v1/session", NULL, &resp);
	int rc = CC_OK;
	/* An expired session is as good as ended; anything else is said. */
	if (resp.status == 0 || (resp.status >= 400 && resp.status != 401))
		rc = cc_report(c, &resp);
	cc_response_free(&resp);
	free(c->cfg.token);
	c->cfg.token = NULL;
	int saved = cc_config_save(c);
	if (saved != CC_OK)
		return saved;
	if (rc == CC_OK)
		printf("%s\n", T(c, "Đã đăng xuất.", "Logged out."));
	else
		fprintf(stderr, "%s\n",
		        T(c, "Mã phiên đã được xóa khỏi máy này.",
		          "The session token was removed from this computer."));
	return rc;
}

const struct cc_command cmd_logout_entry = {
    "logout", "", "Đăng xuất (kết thúc phiên trên máy chủ, xóa mã phiên đã lưu).",
    "Log out (ends the session on the server, forgets the token).", cmd_logout};
