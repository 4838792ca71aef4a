/*
 * Charts drawn on the server as SVG, inline in the page: no script, they
 * print, and a screen reader gets the <title> and <desc> (role="img",
 * aria-labelledby) while the page puts the same numbers in a table.
 * Every text goes through the HTML layer's escaping.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "http/html.h"
#include "kpi/kpi.h"

static int chart_seq(void)
{
	/* Ids only need to be unique within a page; one counter per thread. */
	static _Thread_local int seq;

	return ++seq;
}

void kpi_svg_bars(struct strbuf *out, const char *title, const char *desc,
		  const char *const *labels, int n, const struct kpi_series *series,
		  int nseries, bool percent)
{
	const int left = 44, top = 12, height = 160, bar_gap = 6, bottom = 40;
	int slot = n > 0 ? (n > 24 ? 24 : 560 / n) : 40, width, id = chart_seq();
	double max = 0;
	char buf[320];

	if (slot < 18)
		slot = 18;
	if (slot > 80)
		slot = 80;
	width = left + slot * (n > 0 ? n : 1) + 10;
	for (int i = 0; i < n; i++) {
		double sum = 0;

		for (int s = 0; s < nseries; s++)
			sum += series[s].values[i] > 0 ? series[s].values[i] : 0;
		if (sum > max)
			max = sum;
	}
	if (percent && max < 100)
		max = 100;
	if (max <= 0)
		max = 1;
	snprintf(buf, sizeof(buf), "<svg class=\"chart\" role=\"img\" aria-labelledby=\"c%d-t c%d-d\""
		 " viewBox=\"0 0 %d %d\" width=\"100%%\" preserveAspectRatio=\"xMinYMin meet\""
		 " xmlns=\"http://www.w3.org/2000/svg\">\n", id, id, width, top + height + bottom);
	html(out, buf);
	snprintf(buf, sizeof(buf), "<title id=\"c%d-t\">", id);
	html(out, buf);
	html_txt(out, title);
	snprintf(buf, sizeof(buf), "</title>\n<desc id=\"c%d-d\">", id);
	html(out, buf);
	html_txt(out, desc);
	html(out, "</desc>\n");
	/* The axis: zero and the maximum. */
	snprintf(buf, sizeof(buf), "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>\n",
		 left, top + height, width - 6, top + height);
	html(out, buf);
	snprintf(buf, sizeof(buf), "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\""
		 " fill=\"#333\">%.0f%s</text>\n", left - 4, top + 8, max, percent ? "%" : "");
	html(out, buf);
	snprintf(buf, sizeof(buf), "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\""
		 " fill=\"#333\">0</text>\n", left - 4, top + height);
	html(out, buf);
	for (int i = 0; i < n; i++) {
		double y = top + height, total = 0;
		int x = left + i * slot + bar_gap / 2;

		for (int s = 0; s < nseries; s++) {
			double v = series[s].values[i] > 0 ? series[s].values[i] : 0;
			double h = v / max * height;

			total += v;
			if (h <= 0)
				continue;
			y -= h;
			snprintf(buf, sizeof(buf), "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\""
				 " fill=\"", x, y, slot - bar_gap, h);
			html(out, buf);
			html_attr(out, series[s].color);
			html(out, "\"><title>");
			html_txt(out, labels[i]);
			html(out, " — ");
			html_txt(out, series[s].label);
			snprintf(buf, sizeof(buf), ": %.4g%s", v, percent ? "%" : "");
			html_txt(out, buf);
			html(out, "</title></rect>\n");
		}
		snprintf(buf, sizeof(buf), "<text x=\"%d\" y=\"%.1f\" font-size=\"10\""
			 " text-anchor=\"middle\" fill=\"#111\">", x + (slot - bar_gap) / 2, y - 3);
		html(out, buf);
		snprintf(buf, sizeof(buf), "%.4g", total);
		html_txt(out, nseries == 1 || !percent ? buf : "");
		html(out, "</text>\n");
		snprintf(buf, sizeof(buf), "<text x=\"%d\" y=\"%d\" font-size=\"10\""
			 " text-anchor=\"middle\" fill=\"#333\">", x + (slot - bar_gap) / 2,
			 top + height + 14);
		html(out, buf);
		html_txt(out, labels[i]);
		html(out, "</text>\n");
	}
	/* The legend. */
	for (int s = 0; nseries > 1 && s < nseries; s++) {
		int lx = left + s * 120;

		snprintf(buf, sizeof(buf), "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"",
			 lx, top + height + 24);
		html(out, buf);
		html_attr(out, series[s].color);
		html(out, "\"/>");
		snprintf(buf, sizeof(buf), "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#111\">",
			 lx + 14, top + height + 33);
		html(out, buf);
		html_txt(out, series[s].label);
		html(out, "</text>\n");
	}
	html(out, "</svg>\n");
}
