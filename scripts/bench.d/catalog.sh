# Bench scenarios, sourced by scripts/bench.sh once the server is up: it
# gives $bin, $db, $url, $tmp and wrk_run NAME PATH.
#
# The procedure catalogue (issue 5): the target is catalogue search with
# p99 under 10 ms at 64 connections over 5,000 procedures.  The demo
# catalogue is topped up to 5,000 published procedures with generated ones
# (realistic names, fields, agencies, steps, fees and documents), imported
# through `cchc catalog import` into the running server's SQLite database
# (WAL lets the server keep serving meanwhile); the server notices the new
# catalogue generation on its next request and rebuilds its search index.

catalog_bench_csv() {	# COUNT → CSV of generated procedures on stdout
	awk -v n="$1" 'BEGIN {
	OFS = ","
	nv = split("Đăng ký|Cấp|Cấp lại|Cấp đổi|Gia hạn|Điều chỉnh|Thu hồi|Xác nhận|Công nhận|Thẩm định|Phê duyệt|Chứng thực|Thông báo|Đăng ký thay đổi nội dung|Cho phép", verb, "|")
	no = split("giấy phép xây dựng|giấy chứng nhận quyền sử dụng đất|hộ kinh doanh|giấy phép lái xe|giấy chứng nhận đủ điều kiện an toàn thực phẩm|chứng chỉ hành nghề dược|giấy phép hoạt động khám bệnh, chữa bệnh|hợp tác xã|văn bằng, chứng chỉ|trợ cấp xã hội hằng tháng|giấy phép môi trường|giấy phép khai thác nước mặt|giấy phép kinh doanh vận tải bằng xe ô tô|giấy phép bán lẻ rượu|cơ sở giáo dục mầm non|tổ chức hành nghề công chứng|giấy phép tổ chức lễ hội|di tích lịch sử - văn hóa|nhà ở riêng lẻ|dự án đầu tư|quyền sở hữu nhà ở|biển số xe máy chuyên dùng|thẻ hướng dẫn viên du lịch|giấy phép thành lập thư viện|người có công với cách mạng|tàu cá|giống cây trồng|điểm cung cấp dịch vụ trò chơi điện tử|cơ sở bảo trợ xã hội|hoạt động tôn giáo", obj, "|")
	nq = split("|cho tổ chức|cho cá nhân|có yếu tố nước ngoài|tại khu vực biên giới|trong trường hợp bị mất|trong trường hợp bị hư hỏng|đối với công trình cấp III|cho doanh nghiệp nhỏ và vừa|theo hình thức trực tuyến|lần đầu|có thời hạn", qual, "|")
	nf = split("Hoạt động xây dựng|Đất đai|Thành lập và hoạt động của hộ kinh doanh|Đường bộ|An toàn thực phẩm|Dược phẩm|Khám bệnh, chữa bệnh|Kinh tế hợp tác|Giáo dục và đào tạo|Bảo trợ xã hội|Môi trường|Tài nguyên nước|Vận tải|Lưu thông hàng hóa trong nước|Giáo dục mầm non|Công chứng|Văn hóa|Di sản văn hóa|Nhà ở|Đầu tư|Đăng kiểm|Du lịch|Thư viện|Người có công|Thủy sản|Trồng trọt|Phát thanh, truyền hình|Tôn giáo", field, "|")
	na = split("commune|district|so-xay-dung|so-tai-nguyen-moi-truong|so-ke-hoach-dau-tu|so-y-te|so-giao-thong-van-tai|so-cong-thuong|so-giao-duc-dao-tao|so-lao-dong-tbxh|so-van-hoa-the-thao-du-lich|so-nong-nghiep-ptnt|so-tu-phap|so-noi-vu|so-thong-tin-truyen-thong", agency, "|")
	nt = split("1|3|5|7|10|15|20|30", days, "|")
	nd = split("Tờ khai đăng ký theo mẫu|Đơn đề nghị cấp giấy phép|Bản sao giấy tờ chứng minh nhân thân|Bản vẽ thiết kế|Giấy chứng nhận quyền sử dụng đất|Hợp đồng thuê địa điểm|Văn bản ủy quyền|Giấy xác nhận của Ủy ban nhân dân cấp xã|Báo cáo đánh giá tác động môi trường|Danh sách thành viên|Điều lệ|Giấy khám sức khỏe|Ảnh 3x4|Phương án kinh doanh", doc, "|")
	nk = split("original|copy|original_or_copy", dkind, "|")
	print "code,name,field,levels,agency_kind,time_value,time_unit,steps,fees,documents,result,legal_basis,online,postal_submit,postal_return,status,note"
	for (i = 0; i < n; i++) {
		v = i % nv; o = int(i / nv) % no; q = int(i / (nv * no)) % nq
		name = verb[v + 1] " " obj[o + 1] (qual[q + 1] == "" ? "" : " " qual[q + 1])
		a = agency[(i * 7) % na + 1]
		level = a == "commune" ? "commune" : a == "district" ? "district" : "province"
		t = days[(i * 3) % nt + 1]
		steps = sprintf("[{\"name\":\"Tiếp nhận hồ sơ\",\"kind\":\"reception\",\"share\":%.1f},{\"name\":\"Thẩm định hồ sơ %s\",\"kind\":\"appraisal\",\"share\":%.1f},{\"name\":\"Lãnh đạo phê duyệt\",\"kind\":\"approval\",\"share\":%.1f},{\"name\":\"Trả kết quả\",\"kind\":\"return\",\"share\":%.1f}]", t * 0.1, obj[o + 1], t - t * 0.4, t * 0.2, t * 0.1)
		amount = (i % 6 == 0) ? 0 : (i % 6) * 50000
		fees = sprintf("[{\"name\":\"Lệ phí %s\",\"amount\":%d,\"exempt\":\"%s\"}]", obj[o + 1], amount, (i % 4 == 0) ? "Hộ nghèo, người khuyết tật" : "")
		docs = "["
		for (k = 0; k < 2 + i % 3; k++)
			docs = docs (k ? "," : "") sprintf("{\"name\":\"%s\",\"kind\":\"%s\",\"copies\":%d,\"form\":\"%s\"}", doc[(i + k * 5) % nd + 1], dkind[(i + k) % nk + 1], 1 + k % 2, k ? "" : "Mẫu số 0" (1 + i % 9))
		docs = docs "]"
		online = (i % 3 == 0) ? "none" : (i % 3 == 1) ? "partial" : "full"
		gsub(/"/, "\"\"", steps); gsub(/"/, "\"\"", fees); gsub(/"/, "\"\"", docs)
		print sprintf("9.%06d", i + 1), "\"" name "\"", "\"" field[(i * 5) % nf + 1] "\"", level, a, t, "working_days", \
			"\"" steps "\"", "\"" fees "\"", "\"" docs "\"", "\"Quyết định hoặc giấy phép về " obj[o + 1] "\"", \
			"Luật Tổ chức chính quyền địa phương 2015|Nghị định 61/2018/NĐ-CP", online, i % 2, (i + 1) % 2, "published", "Thủ tục sinh ra cho bench"
	}
}'
}

have=$(curl -s "$url/api/v1/procedures?per_page=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
have=${have:-0}
if [ "$have" -lt 5000 ]; then
	catalog_bench_csv $((5000 - have)) >"$tmp/catalog-bench.csv"
	$bin catalog import "$tmp/catalog-bench.csv" --db "$db" >/dev/null
fi
have=$(curl -s "$url/api/v1/procedures?per_page=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
echo "catalogue: ${have:-0} published procedures" >&2

# wrk_run_script NAME SCRIPT LABEL: wrk_run with a Lua script choosing the
# requests; reported like the others, with LABEL in the place of the path.
wrk_run_script() {
	local name=$1 script=$2 label=$3 out rps p99
	out=$(wrk -t"$wthreads" -c"$conns" -d"${secs}s" --latency -s "$script" "$url")
	rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
	p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
	if echo "$out" | grep -q 'Non-2xx or 3xx responses'; then
		echo "error: $name answered with errors:" >&2
		echo "$out" >&2
		exit 1
	fi
	results+=("$name|$label|$rps|$p99")
}

# Searches that hardly repeat: 30 queries x 4 levels x 4 online modes x 3
# pages x 21 page sizes (10 to 30), drawn at random, so that the answers
# cached for popular searches do not help (fewer than 2 % hits).
cat >"$tmp/catalog-mix.lua" <<'LUA'
local q = { "dang+ky", "cap+giay+phep", "khai+sinh", "ket+hon", "chung+thuc", "ho+kinh+doanh",
	"giay+phep+xay+dung", "dat+dai", "lai+xe", "tro+cap", "nguoi+co+cong", "moi+truong",
	"thu+hoi", "gia+han", "cap+lai", "dieu+chinh", "to+chuc", "ca+nhan", "nuoc+ngoai",
	"bien+gioi", "doanh+nghiep", "hop+tac+xa", "an+toan+thuc+pham", "duoc", "y+te",
	"giao+duc", "van+hoa", "du+lich", "thu+vien", "ton+giao" }
local level = { "", "&level=commune", "&level=district", "&level=province" }
local online = { "", "&online=none", "&online=partial", "&online=full" }
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
request = function()
	return wrk.format("GET", "/api/v1/procedures?q=" .. q[math.random(#q)] ..
		level[math.random(#level)] .. online[math.random(#online)] ..
		"&page=" .. math.random(3) .. "&per_page=" .. math.random(10, 30))
end
LUA

wrk_run "catalogue search" "/api/v1/procedures?q=dang+ky"
wrk_run_script "catalogue search, mixed" "$tmp/catalog-mix.lua" "(30,240 searches)"
wrk_run "catalogue search, filtered" "/api/v1/procedures?q=giay+phep&level=province&online=full"
wrk_run "catalogue page" "/thu-tuc?q=dang+ky"
wrk_run "procedure page" "/thu-tuc/1.001193"
