# The words of an official document (DOCX) the report crate writes around
# the report's body: the letterhead, the closing block and the appendix.
# The English rendering (locales/en/report.ftl) has the same keys and
# more: the body's sentences, which Vietnamese writes in the report crate.
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
