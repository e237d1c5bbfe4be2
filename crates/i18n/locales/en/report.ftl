# An official document rendered in English for foreign partners
# (`--lang en`, `lang=en`): the letterhead, the closing block, the
# appendix and the body's sentences. Names of units stay Vietnamese.
rpt-national-title = SOCIALIST REPUBLIC OF VIET NAM
rpt-national-motto = Independence – Freedom – Happiness
rpt-party-title = COMMUNIST PARTY OF VIET NAM
rpt-number-state = No.: { $number }
rpt-number-party = No. { $number }
rpt-recipients = Recipients:
rpt-archive = - Archived: Records Office.
rpt-archive-party-office = - Archived: Office of the Party Committee.
rpt-archive-party-cell = - Archived: Party Cell.
rpt-for-reporting = { $body } (for information)
rpt-other-unit = Other unit
rpt-annex = Appendix
rpt-annex-title = CHARTS OF THE FIGURES
rpt-annex-of = (Attached to Report No. { $number } of { $date })
rpt-annex-of-issuer = (Attached to Report No. { $number } of { $date } by { $issuer })
rpt-chart-caption = Chart { $number }: { $title }
rpt-language-tag = en-GB

rpt-date = { $day } { $month } { $year }
rpt-month-1 = January
rpt-month-2 = February
rpt-month-3 = March
rpt-month-4 = April
rpt-month-5 = May
rpt-month-6 = June
rpt-month-7 = July
rpt-month-8 = August
rpt-month-9 = September
rpt-month-10 = October
rpt-month-11 = November
rpt-month-12 = December
rpt-period-range = from { $from } to { $to }
rpt-period-month = { $month } { $year }
rpt-period-quarter = quarter { $quarter } of { $year }
rpt-period-half = { $half ->
    [1] the first half of { $year }
   *[other] the second half of { $year }
}
rpt-period-nine-months = the first nine months of { $year }
rpt-period-year = the year { $year }

# Signers' titles and on whose behalf they sign, by the Vietnamese title
# without diacritics.
rpt-title-chi-huy-truong = Commander
rpt-title-don-truong = Post Commander
rpt-title-tram-truong = Station Chief
rpt-title-truong-thon = Village Head
rpt-title-chu-tich = Chairman
rpt-title-bi-thu = Secretary
rpt-title-tm-uy-ban-nhan-dan = On behalf of the People's Committee
rpt-title-t-m-dang-uy = On behalf of the Party Committee
rpt-title-tm-dang-uy = On behalf of the Party Committee
rpt-title-t-m-ban-thuong-vu = On behalf of the Standing Committee
rpt-title-t-m-chi-bo = On behalf of the Party Cell

# Charts' titles, by the Vietnamese title without diacritics.
rpt-chart-so-lan-tuan-tra-theo-thang = Patrols by month
rpt-chart-so-vu-viec-xu-ly-theo-thang = Cases handled by month
rpt-chart-so-lan-tuan-tra-theo-don-vi-chu-tri = Patrols by lead unit
rpt-chart-so-vu-viec-theo-don-vi-xu-ly = Cases by handling unit
# Charts' counting words, by the Vietnamese word without diacritics.
rpt-chart-word-lan = patrols
rpt-chart-word-vu = cases

# Table headers, by the Vietnamese header without diacritics.
rpt-col-loai-van-ban = Document type
rpt-col-so-van-ban = Documents
rpt-col-don-vi = Unit
rpt-col-quy = Quarter
rpt-col-loai-hoi-nghi-cuoc-hop = Kind of conference or meeting
rpt-col-so-cuoc = Meetings
rpt-col-don-vi-chu-tri = Lead unit
rpt-col-so-lan = Patrols
rpt-col-so-lan-cung-ky = Patrols, same period last year
rpt-col-luot-bdbp = Border Guard person-times
rpt-col-luot-luc-luong-khac = Other forces' person-times
rpt-col-luc-luong = Force
rpt-col-so-luot = Person-times
rpt-col-loai-vu-viec = Kind of case
rpt-col-so-vu = Cases
rpt-col-so-vu-cung-ky = Cases, same period last year
rpt-col-so-doi-tuong = Subjects
rpt-col-so-doi-tuong-cung-ky = Subjects, same period last year
rpt-col-tang-vat-thu-giu = Items seized
rpt-col-so-luong = Quantity
rpt-col-don-vi-tinh = Unit of measure
rpt-col-chuong-trinh = Programme
rpt-col-so-doi-tuong-duoc-ho-tro = Beneficiaries
rpt-col-moi-trong-ky = New in the period
rpt-col-so-tien-da-chi-dong = Disbursed (VND)
rpt-col-don-vi-thu-ly = Handling unit
rpt-col-ky-nay = This period
rpt-col-cung-ky = Same period last year
rpt-quarter = Quarter { $quarter }

# The annual review.
rpt-all-units = all units
rpt-cutoff-decree09 = the reporting period of Decree No. 09/2019/NĐ-CP
rpt-cutoff-calendar = the calendar year
rpt-annual-opening = On { $date }, { $host } held the review conference with { $attendance } delegates. { $content }
rpt-annual-direction = { $text } ({ $owner })
rpt-annual-direction-due = { $text } ({ $owner }; due { $due })
rpt-annual-patrols-none = During the year the border posts led or joined no border patrols.
rpt-annual-patrols = The border posts led or joined { $count } border patrols with { $persons } Border Guard person-times{ $others }.
rpt-annual-patrols-no-others = ; no other forces took part
rpt-annual-patrols-others = { " " }and { $others } person-times of other forces
rpt-annual-cases-none = During the year no political security or public order case was detected or handled.
rpt-annual-cases = Through the coordinated direction of political security and public order work, { $count } cases involving { $subjects } subjects were handled{ $seizures }.
rpt-annual-seized = ; seized: { $items }
rpt-list-first-separator = {"; "}
rpt-list-separator = {"; "}
rpt-annual-briefings-none = During the year no unit was due to hold a briefing.
rpt-annual-briefings-meetings = During the year { $meetings } briefings were held.
rpt-annual-briefings = { $who } held their briefings in every quarter; { $held } of { $due } briefings due were held ({ $meetings } briefing meetings).
rpt-annual-briefings-communes = { $complete } of { $due } border communes and townships
rpt-annual-briefings-posts = { $complete } of { $due } border posts
rpt-and = and
rpt-annual-documents-none = During the year no document was exchanged or issued.
rpt-annual-documents-plain = { $count } documents were exchanged or issued.
rpt-annual-documents = { $count } documents were exchanged or issued; sent to { $recipients } recipients, { $acknowledged } acknowledged ({ $percent }).
rpt-annual-propaganda-none = During the year no awareness session was held.
rpt-annual-propaganda = { $sessions } awareness sessions were held, with { $listeners } listeners in all.
rpt-annual-disaster-plans-none = No new disaster prevention, search and rescue plan was drawn up
rpt-annual-disaster-plans = { $plans } disaster prevention, search and rescue plans were drawn up
rpt-annual-disaster-no-response = { $plans }; no response was needed during the year.
rpt-annual-disaster = { $plans }; the forces responded to { $responses } incidents with { $persons } person-times mobilised{ $rescued }.
rpt-annual-disaster-rescued = , rescuing { $people } people

# The briefing report.
rpt-acknowledge-receipt = Acknowledge receipt
rpt-figure-patrols = Border patrols
rpt-figure-patrol_border_guard = Border Guard person-times on patrol
rpt-figure-patrol_other = Other forces' person-times on patrol
rpt-figure-cases = Cases detected and handled
rpt-figure-subjects = Subjects (persons)
rpt-figure-documents = Documents issued or exchanged
rpt-figure-propaganda_sessions = Awareness sessions
rpt-figure-propaganda_listeners = Listeners at awareness sessions
rpt-figure-disaster_responses = Disaster and search-and-rescue responses
rpt-figure-disaster_mobilised = Person-times mobilised for disaster and search-and-rescue responses
rpt-figure-seizure = Seized

# A document record as its document.
rpt-document-tasks = Tasks assigned:
rpt-document-task = Task
rpt-document-owner = Responsible unit
rpt-document-due = Due
rpt-document-acknowledge = Recipients are asked to acknowledge receipt of this document by { $date }.

# The summary of a period, compared with the same period last year.
rpt-cutoff-decree09-note = { " " }(the reporting period of Decree No. 09/2019/NĐ-CP)
rpt-cutoff-calendar-note = { " " }(calendar periods)
# How a figure changed: $change is same, up, down, or new (none then).
rpt-compared = { $change ->
    [same] the same as the same period last year
    [up] up { $amount } ({ $percent }) on the same period last year
    [down] down { $amount } ({ $percent }) on the same period last year
   *[new] up { $amount } on the same period last year (none then)
}
# What the same period had after a sentence that says there is none now.
rpt-previously = { $had ->
    [none] { " " }(none in the same period last year either)
   *[some] { " " }(same period last year: { $amount })
}
rpt-stated = { $amount }, { $comparison }
rpt-word-patrols = patrols
rpt-word-person-times = person-times
rpt-word-cases = cases
rpt-word-subjects = subjects
rpt-word-documents = documents
rpt-word-sessions = sessions
rpt-word-listeners = listeners
rpt-word-plans = plans
rpt-word-incidents = incidents
rpt-word-people = people
rpt-word-persons-mobilised = person-times
rpt-summary-patrols-none = During the period the border posts led or joined no border patrols{ $previously }.
rpt-summary-patrols = The border posts led or joined { $patrols } border patrols; { $border_guard } and { $others }.
rpt-summary-border-guard-none = no Border Guard officers or soldiers were mobilised{ $previously }
rpt-summary-border-guard = { $persons } Border Guard person-times were mobilised
rpt-summary-others-none = no other forces took part{ $previously }
rpt-summary-others = { $persons } person-times of other forces took part
rpt-summary-cases-none = During the period no political security or public order case was detected or handled{ $previously }.
rpt-summary-cases-previously = { " " }(same period last year: { $cases } cases, { $subjects } subjects)
rpt-summary-cases = Through the coordinated direction of political security and public order work, { $cases } cases were handled; { $subjects }.
rpt-summary-subjects-none = no subject identified{ $previously }
rpt-summary-seizure-none = { $name }: none seized (same period last year: { $previous }){ $end }
rpt-summary-seizure = { $name }: { $amount }, { $comparison }{ $end }
rpt-summary-documents-none = During the period no document was exchanged or issued{ $previously }.
rpt-summary-documents = Documents exchanged or issued: { $documents }.
rpt-summary-propaganda-none = During the period no awareness session was held{ $previously }.
rpt-summary-propaganda = Awareness sessions held: { $sessions }; listeners: { $listeners }.
rpt-summary-listeners-none = no listeners recorded{ $previously }
rpt-summary-disaster-none = Neither this period nor the same period last year saw disaster prevention, search or rescue activity.
rpt-summary-plans = Disaster prevention, search and rescue plans drawn up: { $count } plans, { $comparison }
rpt-summary-plans-none = No new disaster prevention, search and rescue plan was drawn up{ $previously }
rpt-summary-responses = incidents responded to: { $responses }; person-times mobilised: { $persons }; { $rescued }
rpt-summary-rescued = people rescued: { $people }
rpt-summary-rescued-none = no one needed rescue{ $previously }
rpt-summary-responses-none = no incident needed a response{ $previously }

# A report whose figures are mapped onto the units of another date.
rpt-mapped = ; figures mapped onto the units of { $date }{ $compared ->
    [yes] { " " }(the comparison period too)
   *[no] {""}
}
rpt-mapped-split = ; { $unit } split: { $patrols } patrols tied to no other unit in the scope, counted as { $share } share = { $counted }
rpt-mapped-split-placed = ; { $unit } split: { $patrols } patrols tied to no other unit in the scope; by where they took place (commune, boundary marker) { $here } in the scope and { $elsewhere } in other units, { $shared } of unknown place counted as { $share } share; { $counted } counted in all

# A joint document's signer blocks.
rpt-joint-on-behalf = On behalf of { $body }
rpt-joint-signed = (Signed on { $date })
rpt-joint-void = (Signature void)
rpt-joint-returned = (Returned)
rpt-joint-pending = (Not signed yet)
