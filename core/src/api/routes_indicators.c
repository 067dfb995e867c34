/* Indicators, staffing and the periodic report to the Home Affairs office
 * (Phòng Nội vụ): GET /api/v1/indicators, /indicators/staffing and
 * /reports/{period}.csv|.pdf. The report is a rendering of exactly the JSON
 * of /indicators for the period: its figures cannot differ from the API's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/present_indicators.h"
#include "api/present_office.h"
#include "store/indicators.h"
#include "store/office.h"
#include "util/csv.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "util/clock.h"
#ifdef MOTCUA_HAVE_PRINTER
#include "printer/format_vi.h"
#include "printer/report.h"
#endif

static bool ind_by_arg(struct http_request *r, enum indicators_by *by)
{
	const char *s = http_query(r, "by");
	*by = IND_BY_OFFICE;
	if (s && !indicators_by_parse(s, by)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_by",
		                "by phải là office, procedure, field, clerk hoặc counter",
		                "by must be office, procedure, field, clerk or counter");
		return false;
	}
	return true;
}

void route_indicators_get(struct api *api, struct http_request *r)
{
	enum indicators_by by;
	if (!ind_by_arg(r, &by))
		return;
	struct mc_error err;
	json_t *out = NULL;
	/* source=scan: counted from the rows themselves, the reference the
	 * maintained figures must equal (docs/indicators.md). */
	const char *source = http_query(r, "source");
	bool scan = source && strcmp(source, "scan") == 0;
	if (source && !scan && strcmp(source, "figures") != 0) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_source",
		                "source phải là figures hoặc scan",
		                "source must be figures or scan");
		return;
	}
	if (present_indicators_answer(api->st, &r->who, http_query(r, "office"),
	                              http_query(r, "from"), http_query(r, "to"), by, scan, &out,
	                              &err))
		http_reply_error(r, &err);
	else
		http_reply_json(r, 200, out);
}

void route_indicators_staffing(struct api *api, struct http_request *r)
{
	struct mc_error err;
	json_t *out = NULL;
	if (present_indicators_staffing_answer(api->st, &r->who, http_query(r, "office"),
	                                       http_query(r, "date"), &out, &err))
		http_reply_error(r, &err);
	else
		http_reply_json(r, 200, out);
}

/* ---- the report's figures, one list for the CSV and the PDF ----------------- */

/* A figure as Vietnamese text (printer/format_vi.h), one rule per kind so
 * that a column reads alike: counts (JSON integers) without decimals, shares
 * as "93,3 %" (one decimal, also "100,0 %"), other reals always with two
 * decimals after a comma ("4,00", "0,00"); null as "—". Without the printer library, the JSON text.
 */
static void ind_fmt(json_t *v, bool percent, char *out, size_t len)
{
#ifdef MOTCUA_HAVE_PRINTER
	double x = json_number_value(v);
	if (json_is_number(v) && percent)
		printer_fmt_percent_vi(x, out, len);
	else if (json_is_integer(v))
		printer_fmt_count_vi((long long)json_integer_value(v), out, len);
	else if (json_is_real(v))
		printer_fmt_number_vi(x, 2, out, len); /* "4,00" next to "4,81" */
	else
		snprintf(out, len, "—");
#else
	char *t = json_is_number(v) ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
	snprintf(out, len, "%s", t ? t : "—");
	free(t);
#endif
}

static const char *ind_str(json_t *v)
{
	const char *s = json_string_value(v);
	return s ? s : "";
}

static json_t *ind_path(json_t *o, const char *path)
{
	char key[64];
	while (o && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		o = json_object_get(o, key);
		path += n + (path[n] == '.');
	}
	return o;
}

struct ind_metric {
	const char *path, *label;
	bool percent;
};

static const struct ind_metric ind_dossier_metrics[] = {
    {"received", "Tiếp nhận mới", false},
    {"online", "Nộp trực tuyến", false},
    {"finished.total", "Đã giải quyết", false},
    {"finished.early", "Trước hạn", false},
    {"finished.on_time", "Đúng hạn", false},
    {"finished.late", "Quá hạn", false},
    {"finished.ineligible", "Trả lại (không đủ điều kiện)", false},
    {"open.on_time", "Đang giải quyết trong hạn", false},
    {"open.late", "Đang giải quyết quá hạn", false},
    {"on_time_rate", "Tỷ lệ đúng hạn", true},
    {"processing_days.mean", "Thời gian giải quyết TB (ngày làm việc)", false},
    {"processing_days.median", "Trung vị (ngày làm việc)", false},
    {"processing_days.p90", "Phân vị 90 (ngày làm việc)", false},
    {"no_supplement_share", "Không phải bổ sung (một lần đi lại)", true},
    {"supplements_per_dossier", "Số lần bổ sung / hồ sơ", false},
    {"apologies", "Văn bản xin lỗi", false},
    {"refusals", "Từ chối tiếp nhận", false},
    {"withdrawals", "Rút hồ sơ", false},
    {"cancellations", "Hủy", false},
};
#define IND_N_DOSSIER (sizeof ind_dossier_metrics / sizeof ind_dossier_metrics[0])

static const struct ind_metric ind_queue_metrics[] = {
    {"tickets", "Số phiếu", false},
    {"visits", "Lượt gọi", false},
    {"outcomes.served", "Đã phục vụ", false},
    {"outcomes.no_show", "Vắng mặt", false},
    {"no_show_rate", "Tỷ lệ vắng mặt", true},
    {"service_level", "Gọi trong thời gian chuẩn", true},
    {"wait_minutes.mean", "Chờ TB (phút)", false},
    {"wait_minutes.median", "Chờ trung vị (phút)", false},
    {"wait_minutes.p90", "Chờ phân vị 90 (phút)", false},
    {"service_minutes.mean", "Phục vụ TB (phút)", false},
};
#define IND_N_QUEUE (sizeof ind_queue_metrics / sizeof ind_queue_metrics[0])

static const struct ind_metric ind_sat_metrics[] = {
    {"rated", "Số đánh giá", false},
    {"levels.very_satisfied", "Rất hài lòng", false},
    {"levels.satisfied", "Hài lòng", false},
    {"levels.neutral", "Bình thường", false},
    {"levels.not_satisfied", "Không hài lòng", false},
    {"satisfied_share", "Tỷ lệ hài lòng", true},
    {"criteria.on_time", "Đúng hẹn (ý kiến công dân)", true},
    {"criteria.courteous", "Công chức lịch sự", true},
    {"criteria.one_visit", "Một lần đi lại (ý kiến công dân)", true},
    {"criteria.unofficial_payment_reports", "Báo bị đòi chi phí không chính thức", false},
};
#define IND_N_SAT (sizeof ind_sat_metrics / sizeof ind_sat_metrics[0])

/* Feedback (PAKN): the counts of the indicators' "feedback" section
 * (docs/feedback.md), never a text nor a name. */
static const struct ind_metric ind_feedback_metrics[] = {
    {"received", "Phản ánh, kiến nghị tiếp nhận", false},
    {"by_class.procedure", "Về quy định, thủ tục", false},
    {"by_class.conduct", "Về hành vi của cán bộ", false},
    {"by_class.dossier", "Về một hồ sơ", false},
    {"by_class.other", "Khác", false},
    {"anonymous", "Tin báo không rõ danh tính (không tính điểm)", false},
    {"ended", "Đã xử lý xong", false},
    {"rejected", "Không tiếp nhận", false},
    {"forwarded", "Chuyển cơ quan có thẩm quyền", false},
    {"published", "Đã trả lời và công khai", false},
    {"answered", "Đã trả lời, không công khai", false},
    {"on_time", "Xong đúng hạn", false},
    {"late", "Xong quá hạn", false},
    {"open_late", "Đang xử lý quá hạn", false},
    {"counted", "Được tính điểm (xong + đang quá hạn)", false},
    {"satisfied", "Hài lòng (đúng hạn, không bị chê, không lặp lại)", false},
    {"not_satisfied", "Người gửi không hài lòng", false},
    {"repeated", "Bị phản ánh lặp lại", false},
    {"on_time_share", "Tỷ lệ đúng hạn", true},
    {"satisfied_share", "Tỷ lệ hài lòng", true},
    {"late_by_step.reject", "Quá hạn bước không tiếp nhận", false},
    {"late_by_step.forward", "Quá hạn bước chuyển", false},
    {"late_by_step.info", "Quá hạn bước đề nghị bổ sung thông tin", false},
    {"late_by_step.answer", "Quá hạn bước trả lời", false},
    {"late_by_step.publish", "Quá hạn bước công khai", false},
};
#define IND_N_FEEDBACK (sizeof ind_feedback_metrics / sizeof ind_feedback_metrics[0])

/* The CSV's header: Vietnamese columns first, for a reader in Excel (the
 * value with a decimal comma, as the PDF prints it), then the machine's: the
 * API's value as it is (a point before decimals, shares 0..1) and the keys of
 * the section, group and metric. */
#define REPORT_CSV_HEADER                                                                                         \
	"Phần,Nhóm,Chỉ tiêu,Giá trị,Giá trị (dạng máy: dấu chấm thập phân; tỷ lệ 0-1)," \
	"Mã phần,Mã nhóm,Mã chỉ tiêu\r\n"

/* One CSV line in the order of REPORT_CSV_HEADER; value may be NULL. */
static void csv_line(struct strbuf *b, const char *section, const char *group, const char *label,
                     const char *text, const char *value, const char *section_key,
                     const char *group_key, const char *metric)
{
	const char *cells[] = {section,     group,     label, text, value ? value : "",
	                       section_key, group_key, metric};
	for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
		if (i)
			strbuf_puts(b, ",");
		csv_cell(b, cells[i] ? cells[i] : "");
	}
	strbuf_puts(b, "\r\n");
}

/* The lines of one group's metrics m[0..n) (o: the group's object). */
static void csv_metrics(struct strbuf *b, const char *section, const char *section_key,
                        const char *group, const char *group_key, json_t *o,
                        const struct ind_metric *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		json_t *v = ind_path(o, m[i].path);
		char *val = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(10)) : NULL;
		char text[64];
		ind_fmt(v, m[i].percent, text, sizeof text);
		csv_line(b, section, group, m[i].label, text,
		         val && strcmp(val, "null") != 0 ? val : NULL, section_key, group_key,
		         m[i].path);
		free(val);
	}
}

static char *report_csv(json_t *ind, const char *label, size_t *len)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;
	json_t *g;
	/* The byte order mark first: Excel then reads Vietnamese as UTF-8. */
	strbuf_puts(&b, CSV_UTF8_BOM REPORT_CSV_HEADER);
	csv_line(&b, "Kỳ báo cáo", "", "Kỳ báo cáo", label, label, "period", "", "label");
	csv_metrics(&b, "Hồ sơ", "dossiers", "Tổng", "total", ind_path(ind, "dossiers.total"),
	            ind_dossier_metrics, IND_N_DOSSIER);
	json_array_foreach(ind_path(ind, "dossiers.groups"), i, g)
	{
		const char *key = ind_str(json_object_get(g, "key"));
		const char *name = ind_str(json_object_get(g, "name"));
		csv_metrics(&b, "Hồ sơ", "dossiers", *name ? name : key, key, g,
		            ind_dossier_metrics, IND_N_DOSSIER);
	}
	json_array_foreach(ind_path(ind, "dossiers.centres"), i, g)
	{
		const char *key = ind_str(json_object_get(g, "key"));
		const char *name = ind_str(json_object_get(g, "name"));
		csv_metrics(&b, "Hồ sơ theo trung tâm tiếp nhận", "dossiers.centres",
		            *name ? name : key, key, g, ind_dossier_metrics, IND_N_DOSSIER);
	}
	csv_metrics(&b, "Hàng đợi", "queue", "Tổng", "total", ind_path(ind, "queue"),
	            ind_queue_metrics, IND_N_QUEUE);
	csv_metrics(&b, "Mức độ hài lòng", "satisfaction", "Tổng", "total",
	            ind_path(ind, "satisfaction"), ind_sat_metrics, IND_N_SAT);
	if (json_is_object(ind_path(ind, "feedback")))
		csv_metrics(&b, "Phản ánh, kiến nghị", "feedback", "Tổng", "total",
		            ind_path(ind, "feedback"), ind_feedback_metrics, IND_N_FEEDBACK);
	json_array_foreach(ind_path(ind, "score_766.parts"), i, g)
	{
		json_t *p = json_object_get(g, "points");
		char *val = json_dumps(p, JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
		char text[64];
		/* Points are reals, "0,00" as well as "4,81". */
		json_t *pr = json_is_number(p) ? json_real(json_number_value(p)) : json_incref(p);
		ind_fmt(pr, false, text, sizeof text);
		json_decref(pr);
		csv_line(&b, "Quyết định 766", ind_str(json_object_get(g, "name")), "Điểm", text,
		         json_is_null(p) ? NULL : val, "score_766",
		         ind_str(json_object_get(g, "part")), "points");
		free(val);
	}
	/* The groups of parts (the satisfaction group: one number of 18). */
	json_array_foreach(ind_path(ind, "score_766.groups"), i, g)
	{
		json_t *p = json_object_get(g, "points");
		char *val = json_dumps(p, JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
		char text[64], glabel[64];
		json_t *pr = json_is_number(p) ? json_real(json_number_value(p)) : json_incref(p);
		ind_fmt(pr, false, text, sizeof text);
		json_decref(pr);
		snprintf(glabel, sizeof glabel, "Cộng nhóm (tối đa %g)",
		         json_number_value(json_object_get(g, "maximum")));
		csv_line(&b, "Quyết định 766", ind_str(json_object_get(g, "name")), glabel, text,
		         json_is_number(p) ? val : NULL, "score_766.groups",
		         ind_str(json_object_get(g, "group")), "points");
		free(val);
	}
	/* by=office: each competent unit's points. */
	static const char *const part_keys[] = {"processing_on_time", "satisfaction",
	                                        "feedback_on_time",   "feedback_satisfaction",
	                                        "online_share",       NULL};
	static const char *const part_names[] = {
	    "Tiến độ giải quyết",          "Mức độ hài lòng",        "Phản ánh, kiến nghị đúng hạn",
	    "Hài lòng với xử lý phản ánh", "Tỷ lệ hồ sơ trực tuyến", "Cộng"};
	json_array_foreach(ind_path(ind, "dossiers.groups"), i, g)
	{
		json_t *sc = json_object_get(g, "score_766");
		if (!json_is_object(sc))
			continue;
		for (int k = 0; k < 6; k++) {
			json_t *p = part_keys[k] ? json_object_get(json_object_get(sc, "parts"),
			                                           part_keys[k])
			                         : json_object_get(sc, "points");
			char *val =
			    p ? json_dumps(p, JSON_ENCODE_ANY | JSON_REAL_PRECISION(10)) : NULL;
			char text[64];
			json_t *pr =
			    json_is_number(p) ? json_real(json_number_value(p)) : json_incref(p);
			ind_fmt(pr, false, text, sizeof text);
			json_decref(pr);
			csv_line(&b, "Quyết định 766 theo đơn vị",
			         ind_str(json_object_get(g, "name")), part_names[k], text,
			         json_is_number(p) ? val : NULL, "score_766.units",
			         ind_str(json_object_get(g, "key")),
			         part_keys[k] ? part_keys[k] : "points");
			free(val);
		}
	}
	return strbuf_detach(&b, len);
}

#ifdef MOTCUA_HAVE_PRINTER
/* A table of metrics (rows) for the total and each group (columns). */
static void pdf_metrics(struct printer_report *rep, json_t *total, json_t *groups,
                        const struct ind_metric *m, size_t n)
{
	size_t ng = json_array_size(groups);
	if (ng > 6)
		ng = 0; /* too many columns: the per-group table follows */
	int cols = (int)(2 + ng);
	const char **heads = xcalloc((size_t)cols, sizeof *heads);
	double *w = xcalloc((size_t)cols, sizeof *w);
	heads[0] = "Chỉ tiêu";
	heads[1] = "Tổng";
	w[0] = 3;
	w[1] = 1.1;
	for (size_t k = 0; k < ng; k++) {
		heads[2 + k] =
		    json_string_value(json_object_get(json_array_get(groups, k), "name"));
		w[2 + k] = 1.1;
	}
	char **cells = xcalloc(n * (size_t)cols, sizeof *cells);
	for (size_t i = 0; i < n; i++) {
		char buf[64];
		cells[i * cols] = xstrdup(m[i].label);
		ind_fmt(ind_path(total, m[i].path), m[i].percent, buf, sizeof buf);
		cells[i * cols + 1] = xstrdup(buf);
		for (size_t k = 0; k < ng; k++) {
			ind_fmt(ind_path(json_array_get(groups, k), m[i].path), m[i].percent, buf,
			        sizeof buf);
			cells[i * cols + 2 + k] = xstrdup(buf);
		}
	}
	printer_report_table(rep, cols, heads, w, (int)n, (const char *const *)cells);
	for (size_t i = 0; i < n * (size_t)cols; i++)
		free(cells[i]);
	free(cells);
	free(heads);
	free(w);
}

/* Points of the 766 scorecard as printed: two decimals always ("0,00",
 * "4,81"), "—" when null. */
static void report_points(json_t *p, char *buf, size_t len)
{
	if (json_is_number(p))
		printer_fmt_number_vi(json_number_value(p), 2, buf, len);
	else
		snprintf(buf, len, "—");
}

/* A 766 maximum as printed: whole points ("30"), as on the screen. */
static void report_maximum(json_t *p, char *buf, size_t len)
{
	if (json_is_number(p))
		printer_fmt_number_vi(json_number_value(p), 0, buf, len);
	else
		snprintf(buf, len, "—");
}

/* The report's frame for the unit that reports (office: its JSON as in
 * present_office, may be NULL; parent: its parent office's, may be
 * NULL): the agency line under its parent ("X - Y" in the unit's own name
 * reads as X under Y; otherwise the parent office's name, except the bare
 * "Tỉnh" a one-centre database starts with), an open number for the
 * registry to fill in, "<locality>, ngày … tháng … năm …" of today (the
 * unit's locality, else its parent's; dots when neither has one), to the
 * Home Affairs office, signed by whoever prepares it. Fills the caller's
 * buffers; the strings live as long as office, parent and the buffers. */
static void report_frame(json_t *office, json_t *parent, char *agency, size_t agency_len,
                         char *upper, size_t upper_len, char *place, size_t place_len,
                         struct printer_report_frame *f)
{
	const char *name = json_string_value(json_object_get(office, "name"));
	const char *pname = json_string_value(json_object_get(parent, "name"));
	const char *locality = json_string_value(json_object_get(office, "locality"));
	if (locality == NULL || *locality == '\0')
		locality = json_string_value(json_object_get(parent, "locality"));
	snprintf(agency, agency_len, "%s", name ? name : "Bộ phận Tiếp nhận và Trả kết quả");
	snprintf(upper, upper_len, "%s", pname && strcmp(pname, "Tỉnh") != 0 ? pname : "");
	char *dash = strstr(agency, " - ");
	if (dash && dash[3]) {
		snprintf(upper, upper_len, "%s", dash + 3);
		*dash = '\0';
	}
	char date[64];
	printer_fmt_doc_date_vi(clock_now(), CLOCK_OFFICE_UTC_OFFSET, date, sizeof date);
	snprintf(place, place_len, "%s, %s", locality && *locality ? locality : "……………", date);
	*f = (struct printer_report_frame){
	    .agency_parent = *upper ? upper : NULL,
	    .agency = agency,
	    .number = "Số:        /BC-BPMC",
	    .place_date = place,
	    .recipient = "Kính gửi: Phòng Nội vụ",
	    .signer_title = "Người lập báo cáo",
	    .copies_to = "- Phòng Nội vụ;\n- Lưu: VT.",
	};
}

/* Section 2's title and its table's first column for the report's grouping. */
static void report_by_words(enum indicators_by by, const char **title, const char **column)
{
	switch (by) {
	case IND_BY_PROCEDURE: *title = "2. Theo thủ tục hành chính", *column = "Thủ tục"; return;
	case IND_BY_FIELD: *title = "2. Theo lĩnh vực", *column = "Lĩnh vực"; return;
	case IND_BY_CLERK: *title = "2. Theo cán bộ tiếp nhận", *column = "Cán bộ"; return;
	case IND_BY_COUNTER: *title = "2. Theo quầy tiếp nhận", *column = "Quầy"; return;
	case IND_BY_OFFICE: break;
	}
	*title = "2. Theo cơ quan, đơn vị giải quyết";
	*column = "Cơ quan, đơn vị";
}

/* by=office: each competent unit's 766 points (its "score_766"), a row
 * each: the parts, then the total over the maximum. Nothing when no group
 * carries points (another grouping). */
static void report_766_units(struct printer_report *rep, json_t *groups)
{
	static const char *const parts[] = {"processing_on_time", "satisfaction",
	                                    "feedback_on_time", "feedback_satisfaction",
	                                    "online_share"};
	enum { NP = sizeof parts / sizeof parts[0], NC = NP + 2 };
	size_t i, n = 0;
	json_t *g;
	json_array_foreach(groups, i, g) n += json_is_object(json_object_get(g, "score_766"));
	if (n == 0)
		return;
	char **c = xcalloc(n * NC + 1, sizeof *c), buf[64], max[64];
	size_t r = 0;
	json_array_foreach(groups, i, g)
	{
		json_t *sc = json_object_get(g, "score_766");
		if (!json_is_object(sc))
			continue;
		c[r * NC] = xstrdup(ind_str(json_object_get(g, "name")));
		for (int k = 0; k < NP; k++) {
			report_points(ind_path(sc, "parts")
			                  ? json_object_get(ind_path(sc, "parts"), parts[k])
			                  : NULL,
			              buf, sizeof buf);
			c[r * NC + 1 + k] = xstrdup(buf);
		}
		report_points(json_object_get(sc, "points"), buf, sizeof buf);
		report_maximum(json_object_get(sc, "maximum"), max, sizeof max);
		char total[140];
		snprintf(total, sizeof total, "%s / %s", buf, max);
		c[r * NC + NC - 1] = xstrdup(total);
		r++;
	}
	const char *h[] = {"Cơ quan, đơn vị", "Tiến độ",    "Hài lòng", "PAKN đúng hạn",
	                   "PAKN hài lòng",   "Trực tuyến", "Cộng"};
	double w[] = {2.6, 0.9, 0.9, 1, 1, 0.9, 1.2};
	printer_report_heading(rep, "Điểm của từng cơ quan, đơn vị (trên hồ sơ thuộc thẩm quyền)");
	printer_report_table(rep, NC, h, w, (int)n, (const char *const *)c);
	for (size_t k = 0; k < n * NC; k++)
		free(c[k]);
	free(c);
}

/* The cells of a table with one line per row of rows: its "name", then the
 * ncols figures cols name, as the report prints them (rows × (ncols + 1)
 * strings, row by row). The caller frees them with report_cells_free. */
static char **report_cells(json_t *rows, const struct ind_metric *cols, int ncols)
{
	int nc = ncols + 1;
	char buf[64];
	size_t i;
	json_t *g;
	char **cells = xcalloc(json_array_size(rows) * (size_t)nc + 1, sizeof *cells);
	json_array_foreach(rows, i, g)
	{
		cells[i * nc] = xstrdup(ind_str(json_object_get(g, "name")));
		for (int k = 1; k < nc; k++) {
			ind_fmt(ind_path(g, cols[k - 1].path), cols[k - 1].percent, buf,
			        sizeof buf);
			cells[i * nc + k] = xstrdup(buf);
		}
	}
	return cells;
}

/* Frees the n strings of cells and cells. */
static void report_cells_free(char **cells, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(cells[k]);
	free(cells);
}

/* The report's section 1: the dossier figures, per group, and per
 * receiving centre when there are several. */
static void report_pdf_dossiers(struct printer_report *rep, json_t *ind, enum indicators_by by)
{
	const char *by_title, *by_column;
	report_by_words(by, &by_title, &by_column);
	json_t *groups = ind_path(ind, "dossiers.groups");
	size_t i, n = json_array_size(groups);
	json_t *g;

	printer_report_heading(rep, "1. Tình hình tiếp nhận và giải quyết hồ sơ");
	pdf_metrics(rep, ind_path(ind, "dossiers.total"), groups, ind_dossier_metrics,
	            IND_N_DOSSIER);
	/* Per group: the main counts, one row each. */
	static const struct ind_metric cols[] = {
	    {"received", "Tiếp nhận", false},
	    {"finished.early", "Trước hạn", false},
	    {"finished.on_time", "Đúng hạn", false},
	    {"finished.late", "Quá hạn", false},
	    {"open.late", "Đang quá hạn", false},
	    {"on_time_rate", "Đúng hạn %", true},
	    {"processing_days.median", "Trung vị ngày", false},
	};
	const int nc = (int)(sizeof cols / sizeof cols[0]) + 1;
	const char *heads[8] = {by_column};
	double w[8] = {3};
	for (int k = 1; k < nc; k++)
		heads[k] = cols[k - 1].label, w[k] = 1;
	char **cells = report_cells(groups, cols, nc - 1);
	const char **labels = xcalloc(n + 1, sizeof *labels);
	double *values = xcalloc(n + 1, sizeof *values);
	json_array_foreach(groups, i, g)
	{
		labels[i] = cells[i * nc];
		json_t *rate = json_object_get(g, "on_time_rate");
		values[i] = json_is_real(rate) ? json_real_value(rate) * 100 : 0;
	}
	if (n) {
		printer_report_heading(rep, by_title);
		printer_report_table(rep, nc, heads, w, (int)n, (const char *const *)cells);
		printer_report_bars(rep, "Tỷ lệ giải quyết đúng hạn (%)", (int)n, labels, values,
		                    100, "%");
	}
	report_cells_free(cells, n * (size_t)nc);
	free(labels);
	free(values);
	/* by=office: the same figures per receiving centre (the dossiers it
	 * received, whoever is competent for them). */
	json_t *centres = ind_path(ind, "dossiers.centres");
	size_t nct = json_array_size(centres);
	if (nct > 1) { /* one centre: the table above says it all */
		cells = report_cells(centres, cols, nc - 1);
		heads[0] = "Trung tâm tiếp nhận";
		printer_report_heading(rep, "Theo trung tâm tiếp nhận hồ sơ");
		printer_report_table(rep, nc, heads, w, (int)nct, (const char *const *)cells);
		report_cells_free(cells, nct * (size_t)nc);
	}
}

/* The report's section 5: the 766 parts, their groups and the total. */
static void report_pdf_766(struct printer_report *rep, json_t *ind)
{
	char buf[64];
	size_t i;
	json_t *g;
	printer_report_heading(rep, "5. Bộ chỉ số theo Quyết định 766/QĐ-TTg (phần có dữ liệu)");
	json_t *parts = ind_path(ind, "score_766.parts");
	json_t *pgroups = ind_path(ind, "score_766.groups");
	size_t np = json_array_size(parts), ngr = json_array_size(pgroups);
	/* One row per part, one per group of parts ("Nhóm mức độ hài lòng
	 * 18,00 / 18"), then the total ("Cộng 22,02 / 30" on the screen):
	 * points always with two decimals, maxima as whole numbers. */
	char **pc = xcalloc((np + ngr + 1) * 4 + 1, sizeof *pc);
	json_array_foreach(parts, i, g)
	{
		pc[i * 4] = xstrdup(ind_str(json_object_get(g, "name")));
		report_points(json_object_get(g, "points"), buf, sizeof buf);
		pc[i * 4 + 1] = xstrdup(buf);
		report_maximum(json_object_get(g, "maximum"), buf, sizeof buf);
		pc[i * 4 + 2] = xstrdup(buf);
		pc[i * 4 + 3] = xstrdup(ind_str(json_object_get(g, "formula")));
	}
	json_array_foreach(pgroups, i, g)
	{
		pc[np * 4] = xstrdup(ind_str(json_object_get(g, "name")));
		report_points(json_object_get(g, "points"), buf, sizeof buf);
		pc[np * 4 + 1] = xstrdup(buf);
		report_maximum(json_object_get(g, "maximum"), buf, sizeof buf);
		pc[np * 4 + 2] = xstrdup(buf);
		pc[np * 4 + 3] = xstrdup("Tổng ba phần: hài lòng với giải quyết hồ sơ, phản ánh,"
		                         " kiến nghị đúng hạn, hài lòng với xử lý phản ánh");
		np++;
	}
	pc[np * 4] = xstrdup("Cộng");
	report_points(ind_path(ind, "score_766.points"), buf, sizeof buf);
	pc[np * 4 + 1] = xstrdup(buf);
	report_maximum(ind_path(ind, "score_766.maximum"), buf, sizeof buf);
	pc[np * 4 + 2] = xstrdup(buf);
	pc[np * 4 + 3] = xstrdup("");
	np++;
	const char *ph[] = {"Phần", "Điểm", "Tối đa", "Công thức"};
	double pw[] = {2, 0.8, 0.8, 4};
	printer_report_table(rep, 4, ph, pw, (int)np, (const char *const *)pc);
	for (size_t k = 0; k < np * 4; k++)
		free(pc[k]);
	free(pc);
}

static int report_pdf(json_t *ind, const char *label, json_t *office, json_t *parent,
                      enum indicators_by by, uint8_t **pdf, size_t *len, char *err, size_t errlen)
{
	char sub[300], from[16], to[16], agency[300], upper[300], place[200], footer[500];
	snprintf(
	    sub, sizeof sub, "%s (từ %s đến %s)", label,
	    printer_fmt_isodate_vi(json_string_value(ind_path(ind, "period.from")), from,
	                           sizeof from),
	    printer_fmt_isodate_vi(json_string_value(ind_path(ind, "period.to")), to, sizeof to));
	struct printer_report_frame frame;
	report_frame(office, parent, agency, sizeof agency, upper, sizeof upper, place,
	             sizeof place, &frame);
	/* Every page names the office that reports, not the software. */
	snprintf(footer, sizeof footer, "%s · Báo cáo gửi Phòng Nội vụ · %s", agency, label);
	struct printer_report *rep =
	    printer_report_new("BÁO CÁO TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", sub, footer);
	printer_report_set_frame(rep, &frame);
	json_t *groups = ind_path(ind, "dossiers.groups");
	json_t *g;
	size_t i;
	report_pdf_dossiers(rep, ind, by);

	printer_report_heading(rep, "3. Hàng đợi tại Bộ phận Một cửa");
	pdf_metrics(rep, ind_path(ind, "queue"), NULL, ind_queue_metrics, IND_N_QUEUE);
	json_t *slots = ind_path(ind, "queue.by_half_hour");
	size_t ns = json_array_size(slots);
	if (ns) {
		const char **sl = xcalloc(ns, sizeof *sl);
		double *sv = xcalloc(ns, sizeof *sv);
		json_array_foreach(slots, i, g)
		{
			sl[i] = json_string_value(json_object_get(g, "start"));
			sv[i] = (double)json_integer_value(json_object_get(g, "arrivals"));
		}
		printer_report_bars(rep, "Số phiếu lấy theo khung 30 phút", (int)ns, sl, sv, 0, "");
		free(sl);
		free(sv);
	}

	printer_report_heading(rep, "4. Mức độ hài lòng");
	pdf_metrics(rep, ind_path(ind, "satisfaction"), NULL, ind_sat_metrics, IND_N_SAT);
	if (json_is_object(ind_path(ind, "feedback"))) {
		/* Counts only: no feedback's text, no sender, no official. */
		printer_report_heading(rep, "Phản ánh, kiến nghị");
		pdf_metrics(rep, ind_path(ind, "feedback"), NULL, ind_feedback_metrics,
		            IND_N_FEEDBACK);
	}

	report_pdf_766(rep, ind);
	report_766_units(rep, groups);
	json_array_foreach(ind_path(ind, "score_766.missing"), i, g)
	{
		char line[400];
		snprintf(line, sizeof line, "Chưa có dữ liệu – %s",
		         ind_str(json_object_get(g, "missing")));
		printer_report_text(rep, line);
	}
	int rc = printer_report_pdf(rep, pdf, len, err, errlen);
	printer_report_free(rep);
	return rc;
}
#endif

void route_report_get(struct api *api, struct http_request *r)
{
	char period[16], from[11], to[11], label[80];
	const char *name = r->params[0];
	const char *dot = strrchr(name, '.');
	bool csv = dot && strcmp(dot, ".csv") == 0, pdf = dot && strcmp(dot, ".pdf") == 0;
	if ((!csv && !pdf) || (size_t)(dot - name) >= sizeof period) {
		http_reply_fail(
		    r, MC_ERR_NOT_FOUND, "invalid_period",
		    "Kỳ báo cáo phải dạng 2026-Q1.pdf, 2026-H1.csv, 2026-9M, 2026, 2026-03",
		    "The report is {period}.csv or .pdf: 2026-Q1, 2026-H1, 2026-9M, 2026,"
		    " 2026-03");
		return;
	}
	snprintf(period, sizeof period, "%.*s", (int)(dot - name), name);
	if (!indicators_period_parse(period, from, to, label, sizeof label)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_period",
		                "Kỳ báo cáo phải dạng 2026-Q1, 2026-H1, 2026-9M, 2026 hoặc 2026-03",
		                "The period is 2026-Q1, 2026-H1, 2026-9M, 2026 or 2026-03");
		return;
	}
	enum indicators_by by;
	if (!ind_by_arg(r, &by))
		return;
	struct mc_error err;
	json_t *ind = NULL;
	if (present_indicators_answer(api->st, &r->who, http_query(r, "office"), from, to, by,
	                              false, &ind, &err)) {
		http_reply_error(r, &err);
		return;
	}
	if (csv) {
		size_t len;
		char *text = report_csv(ind, label, &len);
		http_reply_text(r, 200, "text/csv; charset=utf-8", text, len);
		free(text);
		json_decref(ind);
		return;
	}
#ifdef MOTCUA_HAVE_PRINTER
	/* The unit that reports (the answer's "office") under its parent. */
	json_t *office = json_object_get(ind, "office");
	const char *pcode = json_string_value(json_object_get(office, "parent"));
	int64_t pid = pcode ? store_office_id(api->st, pcode) : 0;
	json_t *parent = pid ? present_office_id(api->st, pid) : NULL;
	uint8_t *bytes = NULL;
	size_t len = 0;
	char msg[200];
	int rc = report_pdf(ind, label, office, parent, by, &bytes, &len, msg, sizeof msg);
	json_decref(parent);
	json_decref(ind);
	if (rc != 0) {
		http_reply_fail(r, MC_ERR_INTERNAL, "render_failed", "Không dựng được báo cáo",
		                msg);
		return;
	}
	http_reply_text(r, 200, "application/pdf", (const char *)bytes, len);
	free(bytes);
#else
	json_decref(ind);
	http_reply_fail(r, MC_ERR_UNAVAILABLE, "printer_unavailable",
	                "Máy chủ được dựng không có thư viện in",
	                "Built without the printer library");
#endif
}
