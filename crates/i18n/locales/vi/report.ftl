# The words of an official document (DOCX) the report crate writes: the
# letterhead, the closing block, the appendix and the body's sentences
# (crates/report/src/narrative.rs picks the sentence, fills in the figures).
# The English rendering (locales/en/report.ftl) has the same keys and more.
rpt-national-title = CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
rpt-national-motto = Độc lập - Tự do - Hạnh phúc
rpt-party-title = ĐẢNG CỘNG SẢN VIỆT NAM
rpt-number-state = Số: { $number }
rpt-number-party = Số { $number }
rpt-recipients = Nơi nhận:
rpt-archive = - Lưu: VT.
rpt-archive-party-office = - Lưu Văn phòng { $committee }.
rpt-archive-party-cell = - Lưu Chi bộ.
rpt-for-reporting = { $body } (để báo cáo)
rpt-other-unit = Đơn vị khác
rpt-annex = Phụ lục
rpt-annex-title = BIỂU ĐỒ SỐ LIỆU
rpt-annex-of = (Kèm theo Báo cáo số { $number } { $date })
rpt-annex-of-issuer = (Kèm theo Báo cáo số { $number } { $date } của { $issuer })
rpt-chart-caption = Biểu đồ { $number }: { $title }
rpt-language-tag = vi-VN

# Seized items listed in a sentence: "10 bánh heroin; 0,43g thuốc phiện, 01 xe máy".
rpt-list-first-separator = {"; "}
rpt-list-separator = {", "}

# The annual review.
rpt-all-units = toàn bộ các đơn vị
rpt-cutoff-decree09 = kỳ báo cáo theo Nghị định số 09/2019/NĐ-CP
rpt-cutoff-calendar = năm dương lịch
rpt-annual-opening = Ngày { $date }, { $host } tổ chức hội nghị tổng kết với { $attendance } đại biểu. { $content }
rpt-annual-direction = { $text } ({ $owner })
rpt-annual-direction-due = { $text } ({ $owner }; hạn { $due })
rpt-annual-patrols-none = Trong năm, các đồn Biên phòng không chủ trì, phối hợp tổ chức tuần tra, bảo vệ biên giới.
rpt-annual-patrols = Các đồn Biên phòng đã chủ trì, phối hợp tổ chức tuần tra, bảo vệ biên giới được { $count } lần/{ $persons } lượt{ $others }.
rpt-annual-patrols-no-others = , không có lực lượng khác tham gia
rpt-annual-patrols-others = { " " }và { $others } lượt lực lượng khác
rpt-annual-cases-none = Trong năm, không phát hiện, xử lý vụ việc nào về an ninh chính trị, trật tự an toàn xã hội.
rpt-annual-cases = Thông qua phối hợp chỉ đạo công tác bảo đảm an ninh chính trị, trật tự an toàn xã hội, đã xử lý { $count } vụ/{ $subjects } đối tượng{ $seizures }.
rpt-annual-seized = , thu giữ { $items }
rpt-annual-briefings-none = Trong năm không có đơn vị nào phải tổ chức giao ban.
rpt-annual-briefings-meetings = Trong năm tổ chức { $meetings } cuộc giao ban.
rpt-annual-briefings = { $who } tổ chức giao ban đủ các quý; { $held }/{ $due } lượt giao ban theo quy định ({ $meetings } cuộc giao ban).
rpt-annual-briefings-communes = { $complete }/{ $due } xã, thị trấn biên giới
rpt-annual-briefings-posts = { $complete }/{ $due } đồn Biên phòng
rpt-and = và
rpt-annual-documents-none = Trong năm không trao đổi, ban hành văn bản nào.
rpt-annual-documents-plain = Trao đổi, ban hành { $count } văn bản.
rpt-annual-documents = Trao đổi, ban hành { $count } văn bản; gửi tới { $recipients } lượt đơn vị nhận, { $acknowledged } lượt đã xác nhận ({ $percent }).
rpt-annual-propaganda-none = Trong năm không tổ chức buổi tuyên truyền nào.
rpt-annual-propaganda = Tổ chức tuyên truyền được { $sessions } buổi/{ $listeners } lượt người nghe.
rpt-annual-disaster-plans-none = Không xây dựng phương án phòng chống thiên tai, tìm kiếm cứu nạn mới
rpt-annual-disaster-plans = Xây dựng { $plans } phương án phòng chống thiên tai, tìm kiếm cứu nạn
rpt-annual-disaster-no-response = { $plans }; trong năm không phải ứng phó vụ việc nào.
rpt-annual-disaster = { $plans }; tham gia ứng phó { $responses } vụ việc với { $persons } lượt lực lượng{ $rescued }.
rpt-annual-disaster-rescued = , cứu được { $people } người

# The summary of a period, compared with the same period last year.
rpt-cutoff-decree09-note = { " " }(kỳ báo cáo theo Nghị định số 09/2019/NĐ-CP)
rpt-cutoff-calendar-note = { " " }(theo dương lịch)
# How a figure changed: $change is same, up, down, or new (none then).
rpt-compared = { $change ->
    [same] bằng cùng kỳ
    [up] tăng { $amount } ({ $percent }) so với cùng kỳ
    [down] giảm { $amount } ({ $percent }) so với cùng kỳ
   *[new] tăng { $amount } so với cùng kỳ (cùng kỳ không có)
}
# What the same period had after a sentence that says there is none now.
rpt-previously = { $had ->
    [none] { " " }(cùng kỳ cũng không có)
   *[some] { " " }(cùng kỳ: { $amount })
}
rpt-stated = { $amount }, { $comparison }
rpt-word-patrols = lần
rpt-word-person-times = lượt
rpt-word-cases = vụ
rpt-word-subjects = đối tượng
rpt-word-documents = văn bản
rpt-word-sessions = buổi
rpt-word-listeners = lượt người nghe
rpt-word-plans = phương án
rpt-word-incidents = vụ việc
rpt-word-people = người
rpt-word-persons-mobilised = lượt lực lượng
rpt-summary-patrols-none = Trong kỳ, các đồn Biên phòng không chủ trì, phối hợp tổ chức tuần tra, bảo vệ biên giới{ $previously }.
rpt-summary-patrols = Các đồn Biên phòng đã chủ trì, phối hợp tổ chức tuần tra, bảo vệ biên giới được { $patrols }; { $border_guard } và { $others }.
rpt-summary-border-guard-none = không huy động cán bộ, chiến sĩ Bộ đội Biên phòng{ $previously }
rpt-summary-border-guard = huy động { $persons } lượt cán bộ, chiến sĩ Bộ đội Biên phòng
rpt-summary-others-none = không có lực lượng khác tham gia{ $previously }
rpt-summary-others = { $persons } lượt lực lượng khác
rpt-summary-cases-none = Trong kỳ, không phát hiện, xử lý vụ việc nào về an ninh chính trị, trật tự an toàn xã hội{ $previously }.
rpt-summary-cases-previously = { " " }(cùng kỳ: { $cases } vụ/{ $subjects } đối tượng)
rpt-summary-cases = Thông qua phối hợp chỉ đạo công tác bảo đảm an ninh chính trị, trật tự an toàn xã hội, đã xử lý { $cases }; { $subjects }.
rpt-summary-subjects-none = chưa xác định đối tượng{ $previously }
rpt-summary-seizure-none = { $name }: không thu giữ (cùng kỳ: { $previous }){ $end }
rpt-summary-seizure = { $name }: { $amount }, { $comparison }{ $end }
rpt-summary-documents-none = Trong kỳ không trao đổi, ban hành văn bản nào{ $previously }.
rpt-summary-documents = Trao đổi, ban hành { $documents }.
rpt-summary-propaganda-none = Trong kỳ không tổ chức buổi tuyên truyền nào{ $previously }.
rpt-summary-propaganda = Tổ chức tuyên truyền được { $sessions }; { $listeners }.
rpt-summary-listeners-none = không ghi nhận lượt người nghe{ $previously }
rpt-summary-disaster-none = Trong kỳ và cùng kỳ không có hoạt động phòng chống thiên tai, tìm kiếm cứu nạn.
rpt-summary-plans = xây dựng { $count } phương án phòng chống thiên tai, tìm kiếm cứu nạn, { $comparison }
rpt-summary-plans-none = không xây dựng phương án phòng chống thiên tai, tìm kiếm cứu nạn mới{ $previously }
rpt-summary-responses = tham gia ứng phó { $responses }; huy động { $persons }; { $rescued }
rpt-summary-rescued = cứu được { $people }
rpt-summary-rescued-none = không có người phải cứu{ $previously }
rpt-summary-responses-none = không phải ứng phó vụ việc nào{ $previously }

# A report whose figures are mapped onto the units of another date.
rpt-mapped = ; số liệu quy đổi theo các đơn vị ngày { $date }{ $compared ->
    [yes] { " " }(cả kỳ so sánh)
   *[no] {""}
}
rpt-mapped-split = ; { $unit } chia tách: { $patrols } lần tuần tra không gắn với đơn vị nào khác trong phạm vi, tính { $share } phần = { $counted }
rpt-mapped-split-placed = ; { $unit } chia tách: { $patrols } lần tuần tra không gắn với đơn vị nào khác trong phạm vi, theo nơi diễn ra (xã, mốc giới) { $here } lần thuộc phạm vi và { $elsewhere } lần thuộc đơn vị khác, { $shared } lần không rõ nơi tính { $share } phần; tính tổng { $counted }

# A joint document's signer blocks.
rpt-joint-on-behalf = TM. { $body }
rpt-joint-signed = (Đã ký ngày { $date })
rpt-joint-void = (Chữ ký không còn hiệu lực)
rpt-joint-returned = (Trả lại)
rpt-joint-pending = (Chưa ký)
