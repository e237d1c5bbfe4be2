//! The web UI: server-rendered pages in Vietnamese (English on request),
//! forms that post back, nothing that needs the internet. Every page
//! but the login needs a session; every form post carries the session's
//! CSRF token.

use crate::api::{
    audit_filter, collection, period_from_query, report_error, report_scope, require_admin,
    unit_from_query,
};
use crate::auth::{Authenticated, LANG_COOKIE, SESSION_COOKIE, authenticate, constant_time_eq};
use crate::error::ApiError;
use crate::forms::{self, Item, Kind, Posted};
use crate::{AppState, now_ms};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use bienphong_domain::catalogue::CatalogueKind;
use bienphong_domain::format;
use bienphong_domain::org::{Code, Org};
use bienphong_domain::text::collate;
use bienphong_domain::{Content, Cutoff, Period, RecordId, RecordType, RevisionId};
use bienphong_i18n::Lang;
use bienphong_report::{AnnualReview, Summary};
use bienphong_service::{LoginRefusal, Principal, ServiceError};
use bienphong_store::{ListFilter, Store, StoreError};
use serde_json::Value;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

/// The spreadsheet upload page: its body may be far larger than a form's.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route(
        "/records/{kind}/import",
        get(import_page).post(import_upload),
    )
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{lang}", get(switch_language))
        .route("/records/{kind}", get(list_page))
        .route("/records/{kind}/new", get(new_page).post(create))
        .route("/records/{kind}/template", get(sheet_template))
        .route("/records/{kind}/export", get(sheet_export))
        .route("/records/{kind}/{id}", get(record_page))
        .route("/records/{kind}/{id}/edit", get(edit_page).post(update))
        .route("/records/{kind}/{id}/delete", post(delete))
        .route("/org", get(org_page))
        .route("/catalogues", get(catalogue_page))
        .route("/reports", get(report_page))
        .route("/reports/download", get(report_download))
        .route("/conflicts", get(conflicts::list_page))
        .route(
            "/conflicts/{id}",
            get(conflicts::conflict_page).post(conflicts::resolve),
        )
        .route("/briefings", get(briefing::roll_page))
        .route(
            "/briefings/{unit}",
            get(briefing::report_page).post(briefing::save),
        )
        .route("/briefings/{unit}/download", get(briefing::download))
        .route("/admin/audit", get(audit_page))
        .route("/sync", get(sync::status_page))
        .layer(tower_http::csrf::CsrfLayer::new())
}

/// Sign-in attempts per address per minute; beyond them the login page
/// answers 429 until the minute is over.
pub struct LoginLimiter {
    per_minute: u32,
    seen: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

impl LoginLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            seen: Mutex::new(HashMap::new()),
        }
    }

    fn allow(&self, ip: IpAddr, now_ms: i64) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return true;
        };
        let minute = now_ms / 60_000;
        seen.retain(|_, (m, _)| *m == minute);
        let entry = seen.entry(ip).or_insert((minute, 0));
        entry.1 += 1;
        entry.1 <= self.per_minute
    }
}

/// Texts of the page's language, for templates.
pub struct Tr(pub Lang);

impl Tr {
    pub fn get(&self, key: &str) -> String {
        self.0.text(key, &[])
    }

    pub fn lang(&self) -> &'static str {
        self.0.as_str()
    }

    pub fn is_en(&self) -> bool {
        self.0 == Lang::En
    }
}

/// What every page's frame shows.
pub struct Frame {
    pub t: Tr,
    pub user: Option<String>,
    pub role: String,
    pub unit: String,
    pub csrf: String,
    pub is_admin: bool,
    /// The sync page is the administrators' on a server, everyone's on a node.
    pub sync_link: bool,
    pub nav: Vec<(String, String)>,
    pub back: String,
}

fn frame(auth: &Authenticated, org: &Org, back: &str) -> Frame {
    let t = Tr(auth.lang);
    let p = &auth.principal;
    let nav = RecordType::ACTIVITIES
        .iter()
        .map(|r| {
            (
                format!("/records/{}", collection(*r)),
                t.get(&format!("types-{r}")),
            )
        })
        .collect();
    Frame {
        user: Some(p.name.clone()),
        role: t.get(&format!("role-{}", p.grant.role)),
        unit: unit_name(org, p.grant.unit.as_str(), auth.lang),
        csrf: auth
            .session
            .as_ref()
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default(),
        is_admin: p.grant.is_admin(),
        sync_link: p.grant.is_admin() || auth.on_node,
        nav,
        back: back.to_string(),
        t,
    }
}

pub(crate) fn unit_name(org: &Org, code: &str, lang: Lang) -> String {
    Code::parse(code)
        .ok()
        .and_then(|c| org.unit(&c))
        .map(|u| match (lang, &u.name_en) {
            (Lang::En, Some(en)) => en.to_string(),
            _ => u.name.to_string(),
        })
        .unwrap_or_else(|| code.to_string())
}

/// The language of a page: the one chosen with the switch, else
/// Vietnamese, whatever the browser prefers.
fn page_lang(headers: &HeaderMap) -> Lang {
    crate::auth::cookie(headers, LANG_COOKIE).map_or(Lang::Vi, Lang::parse)
}

/// Where a page was asked for, query included, to come back to it.
fn here(uri: &axum::http::Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.as_str().to_string())
}

pub(crate) use bienphong_service::today;

/// A page, or the way to the login page.
enum Gate {
    In(Authenticated),
    Out(Response),
}

async fn gate(state: &AppState, headers: &HeaderMap, back: &str) -> Result<Gate, Response> {
    match authenticate(state, headers).await {
        Ok(Some(mut a)) if a.session.is_some() => {
            a.lang = page_lang(headers);
            Ok(Gate::In(a))
        }
        Ok(_) => {
            let to = format!(
                "/login?next={}",
                percent_encoding::utf8_percent_encode(back, percent_encoding::NON_ALPHANUMERIC)
            );
            Ok(Gate::Out(Redirect::to(&to).into_response()))
        }
        Err(e) => Err(page_error(page_lang(headers), e)),
    }
}

macro_rules! signed_in {
    ($state:expr, $headers:expr, $back:expr) => {
        match gate(&$state, &$headers, $back).await {
            Ok(Gate::In(a)) => a,
            Ok(Gate::Out(r)) => return r,
            Err(r) => return r,
        }
    };
}

// After the macro, so that the pages in it can use it.
mod briefing;
mod conflicts;
mod sync;

fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    t: Tr,
    status: u16,
    message: String,
}

fn page_error(lang: Lang, e: ApiError) -> Response {
    let status = e.status;
    let mut r = render(ErrorPage {
        t: Tr(lang),
        status: status.as_u16(),
        message: e.message,
    });
    *r.status_mut() = status;
    r
}

/// Checks the form's CSRF token against the session's.
fn csrf_ok(auth: &Authenticated, posted: &Posted) -> bool {
    let sent = posted
        .get("csrf")
        .and_then(|v| v.first())
        .map_or("", String::as_str);
    auth.session
        .as_ref()
        .is_some_and(|s| constant_time_eq(sent, &s.csrf_token))
}

fn csrf_refused(lang: Lang) -> Response {
    page_error(
        lang,
        ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            lang.text("csrf-refused", &[]),
        ),
    )
}

fn parse_form(body: &Bytes) -> Posted {
    forms::posted(serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default())
}

// ---------------------------------------------------------------- sign-in

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Tr,
    next: String,
    username: String,
    error: Option<String>,
}

fn safe_next(next: Option<&String>) -> String {
    match next {
        // Only paths of this site: never `//host` or a full URL.
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.clone(),
        _ => "/".to_string(),
    }
}

async fn login_page(headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    render(LoginPage {
        t: Tr(page_lang(&headers)),
        next: safe_next(q.get("next")),
        username: String::new(),
        error: None,
    })
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = page_lang(&headers);
    let form = parse_form(&body);
    let field = |k: &str| {
        form.get(k)
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default()
    };
    let (username, password) = (field("username"), field("password"));
    let next = safe_next(Some(&field("next")));
    let again = |status: StatusCode, key: &str, args: &[(&'static str, String)]| {
        let mut r = render(LoginPage {
            t: Tr(lang),
            next: next.clone(),
            username: username.clone(),
            error: Some(lang.text(key, args)),
        });
        *r.status_mut() = status;
        r
    };
    if !state.login_limiter.allow(addr.ip(), now_ms()) {
        return again(StatusCode::TOO_MANY_REQUESTS, "login-rate-limited", &[]);
    }
    let ttl = i64::try_from(state.config.session_ttl.as_millis()).unwrap_or(i64::MAX);
    match state
        .service
        .login(&username, &password, now_ms(), ttl)
        .await
    {
        Ok(Ok(session)) => {
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
                session.secret,
                ttl / 1000,
                if state.config.secure_cookies {
                    "; Secure"
                } else {
                    ""
                }
            );
            let mut r = Redirect::to(&next).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Ok(Err(LoginRefusal::Locked { until_ms })) => {
            let minutes = ((until_ms - now_ms()).max(0) + 59_999) / 60_000;
            again(
                StatusCode::TOO_MANY_REQUESTS,
                "login-locked",
                &[("minutes", minutes.to_string())],
            )
        }
        Ok(Err(_)) => again(StatusCode::UNAUTHORIZED, "login-failed", &[]),
        Err(e) => page_error(lang, ApiError::from_service(lang, e)),
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = page_lang(&headers);
    let auth = signed_in!(state, headers, "/");
    if !csrf_ok(&auth, &parse_form(&body)) {
        return csrf_refused(lang);
    }
    if let Some(secret) = crate::auth::cookie(&headers, SESSION_COOKIE)
        && let Err(e) = state.service.logout(secret, now_ms()).await
    {
        return page_error(lang, ApiError::from_service(lang, e));
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("bp_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    r
}

async fn switch_language(
    Path(lang): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = Lang::parse(&lang);
    let mut r = Redirect::to(&safe_next(q.get("back"))).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.as_str()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

// -------------------------------------------------------------- dashboard

pub struct Figure {
    pub label: String,
    pub value: String,
    pub previous: String,
    pub change: String,
    pub id: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    f: Frame,
    period_name: String,
    period_range: String,
    scope_name: String,
    year: i16,
    years: Vec<i16>,
    quarter: i8,
    figures: Vec<Figure>,
    seizures: Vec<Figure>,
    /// Patrols by leading unit, as inline SVG.
    chart: Option<String>,
}

/// Everything a dashboard shows, computed once per store state, scope and
/// period and shared by every request until the next write.
pub struct DashboardData {
    summary: Summary,
    review: AnnualReview,
    previous_review: AnnualReview,
}

type DashboardKey = (i64, Option<String>, i16, i8);

#[derive(Default)]
pub struct DashboardCache {
    entries: Mutex<HashMap<DashboardKey, Arc<DashboardData>>>,
    /// The year a dashboard opens on, per store state and scope.
    default_years: Mutex<HashMap<(i64, Option<String>), i16>>,
}

async fn dashboard_data(
    state: &AppState,
    seq: i64,
    scope: Option<&Code>,
    year: i16,
    quarter: i8,
) -> Result<Arc<DashboardData>, bienphong_report::ReportError> {
    let key = (seq, scope.map(|c| c.to_string()), year, quarter);
    if let Ok(cache) = state.dashboard_cache.entries.lock()
        && let Some(d) = cache.get(&key)
    {
        return Ok(d.clone());
    }
    let period = if quarter == 0 {
        Period::year(year, Cutoff::Decree09)
    } else {
        Period::quarter(year, quarter, Cutoff::Decree09)
    };
    let summary = bienphong_report::summary(&state.service, period, scope).await?;
    let review =
        bienphong_report::annual_review(&state.service, year, Cutoff::Decree09, scope).await?;
    let previous_review =
        bienphong_report::annual_review(&state.service, year - 1, Cutoff::Decree09, scope).await?;
    let data = Arc::new(DashboardData {
        summary,
        review,
        previous_review,
    });
    if let Ok(mut cache) = state.dashboard_cache.entries.lock() {
        // Entries of an older store state are never asked for again.
        cache.retain(|k, _| k.0 == seq);
        if cache.len() > 256 {
            cache.clear();
        }
        cache.insert(key, data.clone());
    }
    Ok(data)
}

/// The current Decree 09 year, or the latest year with records when the
/// current one has none.
async fn default_year(state: &AppState, seq: i64, scope: Option<&Code>) -> Result<i16, StoreError> {
    let key = (seq, scope.map(|c| c.to_string()));
    if let Ok(known) = state.dashboard_cache.default_years.lock()
        && let Some(year) = known.get(&key)
    {
        return Ok(*year);
    }
    let year = latest_year_with_records(state, scope).await?;
    if let Ok(mut known) = state.dashboard_cache.default_years.lock() {
        known.retain(|k, _| k.0 == seq);
        known.insert(key, year);
    }
    Ok(year)
}

async fn latest_year_with_records(
    state: &AppState,
    scope: Option<&Code>,
) -> Result<i16, StoreError> {
    let today = today();
    let mut year = today.year();
    // A Decree 09 year starts on 15 December of the year before.
    if today >= jiff::civil::date(year, 12, 15) {
        year += 1;
    }
    let units = scope.map(|c| vec![c.clone()]);
    for y in (year - 10..=year).rev() {
        let sums = state
            .service
            .store()
            .sum_measures(Period::year(y, Cutoff::Decree09), units.clone(), false)
            .await?;
        if sums.iter().any(|s| s.value != 0) {
            return Ok(y);
        }
    }
    Ok(year)
}

fn figure(t: &Tr, id: &str, label_key: &str, current: i64, previous: i64, word: &str) -> Figure {
    Figure {
        id: id.to_string(),
        label: t.get(label_key),
        value: format::integer(current),
        previous: format::integer(previous),
        change: comparison_text(t.0, current.into(), previous.into(), word),
    }
}

fn comparison_text(
    lang: Lang,
    current: rust_decimal::Decimal,
    previous: rust_decimal::Decimal,
    word: &str,
) -> String {
    match lang {
        Lang::Vi => format::comparison(current, previous, word),
        Lang::En => {
            let diff = current - previous;
            if previous.is_zero() && !current.is_zero() {
                "none in the same period last year".to_string()
            } else if diff.is_zero() {
                "same as the same period last year".to_string()
            } else {
                let pct = format::change_percent(current, previous)
                    .map(|p| format!(" ({}%)", format::decimal(p.abs().round_dp(1), false)))
                    .unwrap_or_default();
                let dir = if diff > rust_decimal::Decimal::ZERO {
                    "up"
                } else {
                    "down"
                };
                format!(
                    "{dir} {}{pct} on the same period last year",
                    format::decimal(diff.abs(), false)
                )
            }
        }
    }
}

async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let back = here(&uri);
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let result = async {
        let org = state
            .service
            .org_shared()
            .await
            .map_err(|e| ApiError::from_service(lang, e))?;
        let asked = unit_from_query(lang, "scope", q.get("scope"))?;
        let scope = report_scope(&state, &auth.principal, lang, asked).await?;
        // One store state for the whole page: what is cached is keyed by it.
        let seq = state
            .service
            .store()
            .last_seq()
            .await
            .map_err(|e| ApiError::from_service(lang, e.into()))?;
        let year = match q.get("year").filter(|s| !s.is_empty()) {
            Some(y) => y
                .parse::<i16>()
                .ok()
                .filter(|y| (1900..=2200).contains(y))
                .ok_or_else(|| ApiError::bad_request(lang, "year", y.clone()))?,
            None => default_year(&state, seq, scope.as_ref())
                .await
                .map_err(|e| ApiError::from_service(lang, e.into()))?,
        };
        let quarter = match q.get("quarter").filter(|s| !s.is_empty()) {
            Some(s) => s
                .parse::<i8>()
                .ok()
                .filter(|q| (0..=4).contains(q))
                .ok_or_else(|| ApiError::bad_request(lang, "quarter", s.clone()))?,
            None => 0,
        };
        let data = dashboard_data(&state, seq, scope.as_ref(), year, quarter)
            .await
            .map_err(|e| report_error(lang, e))?;
        Ok::<_, ApiError>((org, scope, year, quarter, data))
    }
    .await;
    let (org, scope, year, quarter, data) = match result {
        Ok(v) => v,
        Err(e) => return page_error(lang, e),
    };
    let t = Tr(lang);
    let s = &data.summary;
    let p = &s.patrols;
    let c = &s.cases;
    let b = &data.review.briefings;
    let pb = &data.previous_review.briefings;
    let mut figures = vec![
        figure(
            &t,
            "patrols",
            "dash-patrols",
            p.count.current,
            p.count.previous,
            "lần",
        ),
        figure(
            &t,
            "patrol-bdbp",
            "dash-patrol-bdbp",
            p.border_guard_persons.current,
            p.border_guard_persons.previous,
            "lượt",
        ),
        figure(
            &t,
            "patrol-others",
            "dash-patrol-others",
            p.other_persons.current,
            p.other_persons.previous,
            "lượt",
        ),
        figure(
            &t,
            "cases",
            "dash-cases",
            c.count.current,
            c.count.previous,
            "vụ",
        ),
        figure(
            &t,
            "subjects",
            "dash-subjects",
            c.subjects.current,
            c.subjects.previous,
            "đối tượng",
        ),
    ];
    figures.push(Figure {
        id: "briefings".into(),
        label: t.get("dash-briefings"),
        value: format!("{}/{}", format::integer(b.held), format::integer(b.due)),
        previous: format!("{}/{}", format::integer(pb.held), format::integer(pb.due)),
        change: String::new(),
    });
    let seizures = s
        .seizures
        .iter()
        .filter(|z| !z.quantity.current.is_zero() || !z.quantity.previous.is_zero())
        .map(|z| Figure {
            id: z.code.clone(),
            label: format!("{} ({})", z.name, z.measure),
            value: format::decimal(z.quantity.current, false),
            previous: format::decimal(z.quantity.previous, false),
            change: comparison_text(lang, z.quantity.current, z.quantity.previous, &z.measure),
        })
        .collect();
    // The reports' chart, in the page's language.
    let mut chart = bienphong_report::patrols_by_unit_chart(s);
    chart.title = t.get("dash-chart");
    for (series, key) in chart
        .series
        .iter_mut()
        .zip(["dash-this-period", "dash-same-period"])
    {
        series.name = t.get(key);
    }
    let chart = match (!chart.is_empty()).then(|| chart.svg()).transpose() {
        Ok(svg) => svg,
        Err(e) => return page_error(lang, report_error(lang, e)),
    };
    let this_year = today().year();
    let years = (2015..=this_year.max(year) + 1).rev().collect();
    render(DashboardPage {
        period_name: match (lang, s.kind) {
            (Lang::En, Some(bienphong_domain::PeriodKind::Year { year })) => format!("Year {year}"),
            (Lang::En, Some(bienphong_domain::PeriodKind::Quarter { year, quarter })) => {
                format!("Quarter {quarter} of {year}")
            }
            _ => s.name.clone(),
        },
        period_range: format!(
            "{} – {}",
            format::date(s.period.from),
            format::date(s.period.to)
        ),
        scope_name: match &scope {
            Some(c) => unit_name(&org, c.as_str(), lang),
            None => t.get("scope-all"),
        },
        f: frame(&auth, &org, &back),
        year,
        years,
        quarter,
        figures,
        seizures,
        chart,
    })
}

// ------------------------------------------------------------------ lists

fn record_type_of(kind: &str) -> Option<RecordType> {
    RecordType::ALL.into_iter().find(|t| collection(*t) == kind)
}

pub struct Row {
    pub href: String,
    pub date: String,
    pub unit: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    f: Frame,
    kind: String,
    title: String,
    rows: Vec<Row>,
    units: Vec<(String, String)>,
    unit: String,
    year: String,
    search: String,
    category: String,
    page: u32,
    prev_href: Option<String>,
    next_href: Option<String>,
    can_add: bool,
    /// Whether the type has a spreadsheet (template, import, export).
    sheets: bool,
    /// The list's filters as a query, for the export links.
    filters: String,
}

/// Units for a picker, by Vietnamese name order.
fn unit_options(org: &Org, lang: Lang) -> Vec<(String, String)> {
    let mut units: Vec<(String, String)> = org
        .units
        .values()
        .map(|u| {
            let name = match (lang, &u.name_en) {
                (Lang::En, Some(en)) => en.to_string(),
                _ => u.name.to_string(),
            };
            (u.code.to_string(), name)
        })
        .collect();
    units.sort_by(|a, b| collate(&a.1, &b.1).then_with(|| a.0.cmp(&b.0)));
    units
}

fn row_of(org: &Org, lang: Lang, kind: &str, r: &bienphong_store::CurrentRecord) -> Row {
    let content = Content::from_json(r.record_type, &r.content).ok();
    let unit = content
        .as_ref()
        .and_then(|c| c.units().0.map(|u| unit_name(org, u.as_str(), lang)))
        .unwrap_or_default();
    Row {
        href: format!("/records/{kind}/{}", r.record_id),
        date: r.day.map(format::date).unwrap_or_default(),
        unit,
        summary: content
            .as_ref()
            .map(|c| describe(org, lang, c))
            .unwrap_or_default(),
    }
}

/// One line saying what a record is, in the page's language.
fn describe(org: &Org, lang: Lang, c: &Content) -> String {
    let entry = |kind: CatalogueKind, code: &Code| {
        org.catalogue
            .get(kind, code)
            .map(|e| match lang {
                Lang::En => e.en.to_string(),
                Lang::Vi => e.vi.to_string(),
            })
            .unwrap_or_else(|| code.to_string())
    };
    let t = Tr(lang);
    match c {
        Content::Patrol(p) => {
            let persons: u32 = p.participants.iter().map(|f| f.persons).sum();
            let partners: Vec<String> = p
                .partner_units
                .iter()
                .map(|u| unit_name(org, u.as_str(), lang))
                .collect();
            format!(
                "{} · {} {}{}",
                t.get(&format!("choice-{}", p.kind.as_str())),
                format::integer(i64::from(persons)),
                t.get("word-persons"),
                if partners.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", partners.join(", "))
                }
            )
        }
        Content::Case(k) => format!(
            "{} · {} {}",
            entry(CatalogueKind::CaseType, &k.case_type),
            k.subjects,
            t.get("word-subjects")
        ),
        Content::Meeting(m) => format!(
            "{} · {}",
            entry(CatalogueKind::MeetingType, &m.meeting_type),
            m.content.as_str().chars().take(80).collect::<String>()
        ),
        Content::Document(d) => format!("{} · {}", d.number, d.title),
        Content::Programme(p) => format!(
            "{} · {} đ/{}",
            entry(CatalogueKind::Programme, &p.programme),
            format::integer(p.monthly_amount.dong()),
            t.get("word-month")
        ),
        Content::Propaganda(p) => format!(
            "{} · {} {} · {} {}",
            p.topic,
            p.sessions,
            t.get("word-sessions"),
            format::integer(i64::from(p.listeners)),
            t.get("word-listeners")
        ),
        Content::Disaster(d) => format!(
            "{} · {}",
            t.get(&format!(
                "choice-{}",
                match d.kind {
                    bienphong_domain::record::DisasterKind::Plan => "plan",
                    bienphong_domain::record::DisasterKind::Response => "response",
                }
            )),
            d.title
        ),
        Content::BriefingReport(r) => format!(
            "{} · {} {}/{} · {}",
            unit_name(org, r.unit.as_str(), lang),
            t.get("field-quarter"),
            r.quarter,
            r.year,
            t.get(&format!("briefing-status-{}", r.status.as_str()))
        ),
        Content::Unit(u) => format!(
            "{} · {}",
            u.name,
            t.get(&format!("choice-{}", u.kind.as_str()))
        ),
        Content::Link(l) => format!(
            "{} → {}",
            unit_name(org, l.from.as_str(), lang),
            unit_name(org, l.to.as_str(), lang)
        ),
        Content::Marker(m) => format!("{} · {}", m.number, unit_name(org, m.post.as_str(), lang)),
        Content::Catalogue(e) => format!("{} · {}", e.code, e.vi),
        Content::CaseSubjects(s) => format!("{} {}", s.subjects.len(), t.get("word-subjects")),
        Content::Beneficiary(b) => b.name.to_string(),
    }
}

const PAGE_SIZE: u32 = 50;

async fn list_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(kind): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let back = here(&uri);
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let Some(t) = record_type_of(&kind) else {
        return page_error(lang, ApiError::not_found(lang));
    };
    let result = async {
        let org = state
            .service
            .org_shared()
            .await
            .map_err(|e| ApiError::from_service(lang, e))?;
        let page: u32 = q
            .get("page")
            .and_then(|p| p.parse().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1);
        let mut filter = list_filter(lang, &org, t, &q)?;
        filter.limit = Some(PAGE_SIZE);
        filter.offset = (page - 1).saturating_mul(PAGE_SIZE);
        let found = state
            .service
            .list_as(
                &auth.principal,
                now_ms(),
                filter,
                q.get("q").map(String::as_str),
            )
            .await
            .map_err(|e| ApiError::from_service(lang, e))?;
        Ok::<_, ApiError>((org, page, found))
    }
    .await;
    let (org, page, found) = match result {
        Ok(v) => v,
        Err(e) => return page_error(lang, e),
    };
    let rows = found
        .records
        .iter()
        .map(|r| row_of(&org, lang, &kind, r))
        .collect();
    let keep: Vec<(String, String)> = ["unit", "year", "from", "to", "q", "category"]
        .iter()
        .filter_map(|k| {
            q.get(*k)
                .filter(|v| !v.is_empty())
                .map(|v| (k.to_string(), v.clone()))
        })
        .collect();
    let href = |p: u32| {
        let mut pairs = keep.clone();
        pairs.push(("page".into(), p.to_string()));
        format!(
            "/records/{kind}?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    };
    let tr = Tr(lang);
    render(ListPage {
        title: tr.get(&format!("types-{t}")),
        f: frame(&auth, &org, &back),
        kind: kind.clone(),
        rows,
        units: unit_options(&org, lang),
        unit: q.get("unit").cloned().unwrap_or_default(),
        year: q.get("year").cloned().unwrap_or_default(),
        search: q.get("q").cloned().unwrap_or_default(),
        category: q.get("category").cloned().unwrap_or_default(),
        page,
        prev_href: (page > 1).then(|| href(page - 1)),
        next_href: found.next.map(|_| href(page + 1)),
        can_add: auth.principal.grant.may_write_type(t),
        sheets: bienphong_sheets::model::has_sheet(t),
        filters: serde_urlencoded::to_string(&keep).unwrap_or_default(),
    })
}

/// The records a list shows, from its query: period, unit and the units
/// below it, category.
fn list_filter(
    lang: Lang,
    org: &Org,
    t: RecordType,
    q: &HashMap<String, String>,
) -> Result<ListFilter, ApiError> {
    let period = period_from_query(lang, q)?;
    let unit = unit_from_query(lang, "unit", q.get("unit"))?;
    let whole = Period {
        from: bienphong_domain::Date::MIN,
        to: bienphong_domain::Date::MAX,
    };
    Ok(ListFilter {
        record_type: Some(t),
        period,
        units: unit.map(|u| {
            org.descendants(&u, &period.unwrap_or(whole))
                .into_iter()
                .collect()
        }),
        category: q.get("category").filter(|s| !s.is_empty()).cloned(),
        subject_of: None,
        limit: None,
        offset: 0,
    })
}

// ------------------------------------------------------------------ sheets

/// A download: `body` of type `kind`, saved as `file`.
fn attachment(body: Vec<u8>, kind: &str, file: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn sheet_error(lang: Lang, e: bienphong_sheets::SheetError) -> ApiError {
    match e {
        bienphong_sheets::SheetError::Service(e) => ApiError::from_service(lang, e),
        other => ApiError::bad_request(lang, "file", other.message(lang)),
    }
}

/// The XLSX template of a record type.
async fn sheet_template(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(kind): Path<String>,
) -> Response {
    let back = format!("/records/{kind}");
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let Some(t) = record_type_of(&kind).filter(|t| bienphong_sheets::model::has_sheet(*t)) else {
        return page_error(lang, ApiError::not_found(lang));
    };
    let result = async {
        let org = state
            .service
            .org_shared()
            .await
            .map_err(|e| ApiError::from_service(lang, e))?;
        bienphong_sheets::template_xlsx(t, &org).map_err(|e| sheet_error(lang, e))
    }
    .await;
    match result {
        Ok(bytes) => attachment(bytes, XLSX, &format!("mau-{kind}.xlsx")),
        Err(e) => page_error(lang, e),
    }
}

/// The records of a list, with its filters, as XLSX or CSV: every record
/// the person may read, not only the page shown.
async fn sheet_export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let back = format!("/records/{kind}");
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let Some(t) = record_type_of(&kind).filter(|t| bienphong_sheets::model::has_sheet(*t)) else {
        return page_error(lang, ApiError::not_found(lang));
    };
    let csv = q.get("format").is_some_and(|f| f == "csv");
    let result = async {
        let org = state
            .service
            .org_shared()
            .await
            .map_err(|e| ApiError::from_service(lang, e))?;
        let base = list_filter(lang, &org, t, &q)?;
        let mut records = Vec::new();
        let mut offset = 0u32;
        loop {
            let mut filter = base.clone();
            filter.limit = Some(500);
            filter.offset = offset;
            let page = state
                .service
                .list_as(
                    &auth.principal,
                    now_ms(),
                    filter,
                    q.get("q").map(String::as_str),
                )
                .await
                .map_err(|e| ApiError::from_service(lang, e))?;
            for r in &page.records {
                let content = Content::from_json(r.record_type, &r.content)
                    .map_err(|e| ApiError::from_service(lang, e.into()))?;
                records.push((r.record_id, content));
            }
            match page.next {
                Some(next) => offset = next,
                None => break,
            }
        }
        if csv {
            let mut buf = Vec::new();
            bienphong_sheets::export_csv(t, &org, &records, &mut buf)
                .map_err(|e| sheet_error(lang, e))?;
            Ok::<_, ApiError>(buf)
        } else {
            bienphong_sheets::export_xlsx(t, &org, &records).map_err(|e| sheet_error(lang, e))
        }
    }
    .await;
    match result {
        Ok(bytes) if csv => attachment(bytes, "text/csv; charset=utf-8", &format!("{kind}.csv")),
        Ok(bytes) => attachment(bytes, XLSX, &format!("{kind}.xlsx")),
        Err(e) => page_error(lang, e),
    }
}

/// What an upload found, for the page.
pub struct ImportResult {
    pub dry_run: bool,
    pub written: bool,
    pub summary: String,
    pub errors: Vec<String>,
    pub more: usize,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    f: Frame,
    title: String,
    kind: String,
    result: Option<ImportResult>,
}

/// The upload page of a record type, for those who may add records.
async fn import_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(kind): Path<String>,
) -> Response {
    let back = format!("/records/{kind}/import");
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let Some(t) = record_type_of(&kind).filter(|t| bienphong_sheets::model::has_sheet(*t)) else {
        return page_error(lang, ApiError::not_found(lang));
    };
    if !auth.principal.grant.may_write_type(t) {
        return page_error(
            lang,
            ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                lang.text("sheet-not-allowed", &[]),
            ),
        );
    }
    let org = match state.service.org_shared().await {
        Ok(o) => o,
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
    render(ImportPage {
        title: Tr(lang).get(&format!("types-{t}")),
        f: frame(&auth, &org, &back),
        kind,
        result: None,
    })
}

/// An uploaded file: checked ("check", a dry run showing every refused
/// row) or imported ("import", all rows or none), as the signed-in person.
async fn import_upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Response {
    let back = format!("/records/{kind}/import");
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let Some(t) = record_type_of(&kind).filter(|t| bienphong_sheets::model::has_sheet(*t)) else {
        return page_error(lang, ApiError::not_found(lang));
    };
    let mut posted: Posted = HashMap::new();
    let mut file: Option<(String, Bytes)> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("tep").to_string();
            match field.bytes().await {
                Ok(b) => file = Some((file_name, b)),
                Err(_) => break,
            }
        } else if let Ok(text) = field.text().await {
            posted.entry(name).or_default().push(text);
        }
    }
    if !csrf_ok(&auth, &posted) {
        return csrf_refused(lang);
    }
    let org = match state.service.org_shared().await {
        Ok(o) => o,
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return page_error(
            lang,
            ApiError::bad_request(lang, "file", lang.text("field-missing", &[])),
        );
    };
    let dry_run = posted
        .get("action")
        .and_then(|v| v.first())
        .is_none_or(|a| a != "import");
    let stem = std::path::Path::new(&file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let report = bienphong_sheets::import::import(
        &*state.service,
        bienphong_sheets::import::Writer::Person {
            who: &auth.principal,
            now_ms: now_ms(),
        },
        bienphong_sheets::Input::Bytes(&bytes),
        &stem,
        bienphong_sheets::import::Options {
            record_type: Some(t),
            dry_run,
            skip_invalid: false,
        },
        &mut |_| {},
    )
    .await;
    let tr = Tr(lang);
    let result = match report {
        Ok(r) => {
            let errors: Vec<String> = r.errors().map(|e| e.message(lang)).collect();
            let shown = 500;
            ImportResult {
                dry_run,
                written: r.written,
                summary: lang.text(
                    "import-summary",
                    &[
                        ("type", tr.get(&format!("types-{t}"))),
                        ("rows", format::integer(r.rows_read as i64)),
                        ("created", format::integer(r.created as i64)),
                        ("updated", format::integer(r.updated as i64)),
                        ("unchanged", format::integer(r.unchanged as i64)),
                        ("rejected", format::integer(r.rejected.len() as i64)),
                    ],
                ),
                more: errors.len().saturating_sub(shown),
                errors: errors.into_iter().take(shown).collect(),
            }
        }
        Err(e) => ImportResult {
            dry_run,
            written: false,
            summary: String::new(),
            errors: vec![e.message(lang)],
            more: 0,
        },
    };
    let status = if result.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = render(ImportPage {
        title: tr.get(&format!("types-{t}")),
        f: frame(&auth, &org, &back),
        kind,
        result: Some(result),
    });
    *response.status_mut() = status;
    response
}

// ------------------------------------------------------------------ forms

pub struct Input {
    pub name: String,
    pub label: String,
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<(String, String, bool)>,
    pub required: bool,
    pub error: Option<String>,
}

pub struct Section {
    pub label: String,
    pub inputs: Vec<Input>,
    pub rows: Vec<Vec<Input>>,
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    f: Frame,
    title: String,
    action: String,
    revision: String,
    sections: Vec<Section>,
    error: Option<String>,
}

fn input(
    org: &Org,
    lang: Lang,
    field: &forms::Field,
    name: String,
    posted: &Posted,
    errors: &HashMap<String, String>,
) -> Input {
    let t = Tr(lang);
    let values = posted.get(&name).cloned().unwrap_or_default();
    let value = values.first().cloned().unwrap_or_default();
    let choose = |opts: Vec<(String, String)>, with_blank: bool| {
        let mut out: Vec<(String, String, bool)> = Vec::new();
        if with_blank {
            out.push((String::new(), "—".into(), value.is_empty()));
        }
        out.extend(opts.into_iter().map(|(v, l)| {
            let sel = values.contains(&v);
            (v, l, sel)
        }));
        out
    };
    let (kind, options) = match field.kind {
        Kind::Date => ("date", vec![]),
        Kind::Unit => ("select", choose(unit_options(org, lang), true)),
        Kind::Units => ("multiselect", choose(unit_options(org, lang), false)),
        Kind::Catalogue(c) => (
            "select",
            choose(
                org.catalogue
                    .list(c)
                    .into_iter()
                    .map(|e| {
                        let label = match lang {
                            Lang::En => e.en.to_string(),
                            Lang::Vi => e.vi.to_string(),
                        };
                        (e.code.to_string(), label)
                    })
                    .collect(),
                true,
            ),
        ),
        Kind::Choice(values) => (
            "select",
            choose(
                values
                    .iter()
                    .map(|v| (v.to_string(), t.get(&format!("choice-{v}"))))
                    .collect(),
                !field.required,
            ),
        ),
        Kind::Count | Kind::Quantity | Kind::Money => ("number", vec![]),
        Kind::LongText => ("textarea", vec![]),
        Kind::Bool => ("checkbox", vec![]),
        Kind::Codes | Kind::Text | Kind::Record => ("text", vec![]),
    };
    Input {
        label: t.get(&format!("field-{}", field.name)),
        error: errors.get(&name).cloned(),
        name,
        kind,
        value,
        options,
        required: field.required,
    }
}

fn sections(
    org: &Org,
    lang: Lang,
    t: RecordType,
    posted: &Posted,
    errors: &HashMap<String, String>,
) -> Vec<Section> {
    let tr = Tr(lang);
    let mut main = Section {
        label: String::new(),
        inputs: vec![],
        rows: vec![],
    };
    let mut out = Vec::new();
    for item in forms::form_of(t) {
        match item {
            Item::Field(field) => {
                main.inputs.push(input(
                    org,
                    lang,
                    &field,
                    field.name.to_string(),
                    posted,
                    errors,
                ));
            }
            Item::Rows {
                name,
                fields,
                blank,
            } => {
                let n = forms::filled_rows(posted, name) + blank;
                let rows = (0..n)
                    .map(|i| {
                        fields
                            .iter()
                            .map(|f| {
                                input(
                                    org,
                                    lang,
                                    f,
                                    format!("{name}[{i}].{}", f.name),
                                    posted,
                                    errors,
                                )
                            })
                            .collect()
                    })
                    .collect();
                out.push(Section {
                    label: tr.get(&format!("field-{name}")),
                    inputs: vec![],
                    rows,
                });
            }
        }
    }
    out.insert(0, main);
    out
}

fn form_response(
    auth: &Authenticated,
    org: &Org,
    t: RecordType,
    action: String,
    revision: String,
    posted: &Posted,
    error: Option<(StatusCode, String, String)>,
) -> Response {
    let lang = auth.lang;
    let tr = Tr(lang);
    let mut errors = HashMap::new();
    let mut general = None;
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.0);
    if let Some((_, field, message)) = error {
        if field.is_empty() {
            general = Some(message);
        } else {
            errors.insert(field.clone(), message.clone());
            general = Some(format!("{}: {message}", field_label(lang, &field)));
        }
    }
    let title = if revision.is_empty() {
        format!("{} — {}", tr.get("form-new"), tr.get(&format!("type-{t}")))
    } else {
        format!("{} — {}", tr.get("form-edit"), tr.get(&format!("type-{t}")))
    };
    let mut r = render(FormPage {
        f: frame(auth, org, &action),
        title,
        action,
        revision,
        sections: sections(org, lang, t, posted, &errors),
        error: general,
    });
    *r.status_mut() = status;
    r
}

/// "participants[0].persons" → "Lực lượng tham gia 1 · Số người".
fn field_label(lang: Lang, field: &str) -> String {
    let t = Tr(lang);
    match field.split_once('[') {
        Some((list, rest)) => {
            let (index, name) = rest.split_once("].").unwrap_or((rest, ""));
            let n = index.parse::<usize>().map_or(0, |i| i + 1);
            format!(
                "{} {n} · {}",
                t.get(&format!("field-{list}")),
                t.get(&format!("field-{name}"))
            )
        }
        None => t.get(&format!("field-{field}")),
    }
}

async fn new_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(kind): Path<String>,
) -> Response {
    let action = format!("/records/{kind}/new");
    let auth = signed_in!(state, headers, &action);
    let lang = auth.lang;
    let Some(t) = record_type_of(&kind) else {
        return page_error(lang, ApiError::not_found(lang));
    };
    let org = match state.service.org_shared().await {
        Ok(o) => o,
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
    let mut posted: Posted = HashMap::new();
    // An editor's records are their own unit's unless they choose another.
    for item in forms::form_of(t) {
        if let Item::Field(f) = item
            && matches!(f.kind, Kind::Unit)
            && f.required
        {
            posted.insert(f.name.into(), vec![auth.principal.grant.unit.to_string()]);
            break;
        }
    }
    posted.insert("date".into(), vec![format::date(today())]);
    form_response(&auth, &org, t, action, String::new(), &posted, None)
}

/// The message of a failed write, and the field it belongs to ("" for
/// the whole form).
/// A refused write as one line for the top of a page: the field's label
/// first when the error names one.
fn write_error_line(lang: Lang, e: ServiceError) -> (StatusCode, String) {
    let (status, field, message) = write_error(lang, e);
    if field.is_empty() {
        (status, message)
    } else {
        (status, format!("{}: {message}", field_label(lang, &field)))
    }
}

fn write_error(lang: Lang, e: ServiceError) -> (StatusCode, String, String) {
    match e {
        ServiceError::Invalid(v) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            v.field.clone(),
            lang.problem_only(&v),
        ),
        other => {
            let api = ApiError::from_service(lang, other);
            (api.status, String::new(), api.message)
        }
    }
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    body: Bytes,
) -> Response {
    let action = format!("/records/{kind}/new");
    let auth = signed_in!(state, headers, &action);
    let lang = auth.lang;
    let posted = parse_form(&body);
    if !csrf_ok(&auth, &posted) {
        return csrf_refused(lang);
    }
    let Some(t) = record_type_of(&kind) else {
        return page_error(lang, ApiError::not_found(lang));
    };
    let org = match state.service.org_shared().await {
        Ok(o) => o,
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
    let fail = |status, field: String, message: String| {
        form_response(
            &auth,
            &org,
            t,
            action.clone(),
            String::new(),
            &posted,
            Some((status, field, message)),
        )
    };
    let content = match forms::to_content(t, &posted) {
        Ok(c) => c,
        Err(v) => {
            return fail(
                StatusCode::UNPROCESSABLE_ENTITY,
                v.field.clone(),
                lang.problem_only(&v),
            );
        }
    };
    match state
        .service
        .add_as(&auth.principal, now_ms(), content)
        .await
    {
        Ok(rev) => {
            Redirect::to(&format!("/records/{kind}/{}?saved=1", rev.record_id)).into_response()
        }
        Err(e) => {
            let (status, field, message) = write_error(lang, e);
            fail(status, field, message)
        }
    }
}

/// The record type and id a page's path names, if it names them.
fn record_path(kind: &str, id: &str) -> Option<(RecordType, RecordId)> {
    Some((record_type_of(kind)?, id.parse::<RecordId>().ok()?))
}

async fn edit_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    let action = format!("/records/{kind}/{id}/edit");
    let auth = signed_in!(state, headers, &action);
    let lang = auth.lang;
    let Some((t, record_id)) = record_path(&kind, &id) else {
        return page_error(lang, ApiError::not_found(lang));
    };
    let loaded = async {
        let org = state.service.org_shared().await?;
        let (record, _) = state
            .service
            .read_as(&auth.principal, now_ms(), record_id)
            .await?;
        Ok::<_, ServiceError>((org, record))
    }
    .await;
    let (org, record) = match loaded {
        Ok(v) if v.1.record_type == t => v,
        Ok(_) => return page_error(lang, ApiError::not_found(lang)),
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
    let value: Value = serde_json::from_str(&record.content).unwrap_or(Value::Null);
    let posted = forms::from_json(t, &value);
    form_response(
        &auth,
        &org,
        t,
        action,
        record.revision_id.to_string(),
        &posted,
        None,
    )
}

async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let action = format!("/records/{kind}/{id}/edit");
    let auth = signed_in!(state, headers, &action);
    let lang = auth.lang;
    let posted = parse_form(&body);
    if !csrf_ok(&auth, &posted) {
        return csrf_refused(lang);
    }
    let Some((t, record_id)) = record_path(&kind, &id) else {
        return page_error(lang, ApiError::not_found(lang));
    };
    let org = match state.service.org_shared().await {
        Ok(o) => o,
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
    let revision_text = posted
        .get("revision")
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_default();
    let fail = |status, field: String, message: String| {
        form_response(
            &auth,
            &org,
            t,
            action.clone(),
            revision_text.clone(),
            &posted,
            Some((status, field, message)),
        )
    };
    let Ok(revision) = revision_text.parse::<RevisionId>() else {
        return fail(
            StatusCode::BAD_REQUEST,
            String::new(),
            lang.text("form-no-revision", &[]),
        );
    };
    let content = match forms::to_content(t, &posted) {
        Ok(c) => c,
        Err(v) => {
            return fail(
                StatusCode::UNPROCESSABLE_ENTITY,
                v.field.clone(),
                lang.problem_only(&v),
            );
        }
    };
    match state
        .service
        .edit_as(
            &auth.principal,
            now_ms(),
            record_id,
            Some(revision),
            content,
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("/records/{kind}/{record_id}?saved=1")).into_response(),
        Err(e) => {
            let (status, field, message) = write_error(lang, e);
            fail(status, field, message)
        }
    }
}

async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let auth = signed_in!(state, headers, &format!("/records/{kind}/{id}"));
    let lang = auth.lang;
    let posted = parse_form(&body);
    if !csrf_ok(&auth, &posted) {
        return csrf_refused(lang);
    }
    let Ok(record_id) = id.parse::<RecordId>() else {
        return page_error(lang, ApiError::not_found(lang));
    };
    let revision = posted
        .get("revision")
        .and_then(|v| v.first())
        .and_then(|r| r.parse::<RevisionId>().ok());
    if revision.is_none() {
        return page_error(
            lang,
            ApiError::bad_request(lang, "revision", lang.text("form-no-revision", &[])),
        );
    }
    match state
        .service
        .delete_as(&auth.principal, now_ms(), record_id, revision)
        .await
    {
        Ok(_) => Redirect::to(&format!("/records/{kind}")).into_response(),
        Err(e) => page_error(lang, ApiError::from_service(lang, e)),
    }
}

// ----------------------------------------------------------- record page

pub struct HistoryLine {
    pub revision: String,
    pub author: String,
    pub when: String,
    pub what: String,
    pub changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    f: Frame,
    title: String,
    kind: String,
    id: String,
    revision: String,
    fields: Vec<(String, String)>,
    history: Vec<HistoryLine>,
    saved: bool,
    can_edit: bool,
    in_conflict: bool,
}

pub(crate) fn when(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .ok()
        .and_then(|t| t.in_tz(bienphong_domain::TIME_ZONE).ok())
        .map(|z| format!("{} {}", format::date(z.date()), z.time().strftime("%H:%M")))
        .unwrap_or_default()
}

/// The fields of a stored record as label/value lines.
fn shown_fields(lang: Lang, t: RecordType, value: &Value) -> Vec<(String, String)> {
    let posted = forms::from_json(t, value);
    let mut keys: Vec<&String> = posted.keys().collect();
    keys.sort_by_key(|k| {
        let base = k.split(['[', '.']).next().unwrap_or(k).to_string();
        let order = forms::form_of(t)
            .iter()
            .position(|i| match i {
                Item::Field(f) => f.name == base,
                Item::Rows { name, .. } => *name == base,
            })
            .unwrap_or(usize::MAX);
        (order, (*k).clone())
    });
    keys.into_iter()
        .map(|k| (field_label(lang, k), posted[k].join(", ")))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn changes(lang: Lang, t: RecordType, before: &str, after: &str) -> Vec<String> {
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
    let (a, b) = (
        forms::from_json(t, &parse(before)),
        forms::from_json(t, &parse(after)),
    );
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let show = |p: &Posted| p.get(k).map(|v| v.join(", ")).unwrap_or_else(|| "—".into());
            format!("{}: {} → {}", field_label(lang, k), show(&a), show(&b))
        })
        .collect()
}

async fn record_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let back = format!("/records/{kind}/{id}");
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let Some((t, record_id)) = record_path(&kind, &id) else {
        return page_error(lang, ApiError::not_found(lang));
    };
    let loaded = async {
        let org = state.service.org_shared().await?;
        let (record, content) = state
            .service
            .read_as(&auth.principal, now_ms(), record_id)
            .await?;
        let history = state
            .service
            .history_as(&auth.principal, now_ms(), record_id)
            .await?;
        Ok::<_, ServiceError>((org, record, content, history))
    }
    .await;
    let in_conflict = match &loaded {
        Ok((_, _, _, history)) => {
            bienphong_domain::revision::heads(history.iter().map(|r| (r.id, r.parents.as_slice())))
                .len()
                > 1
        }
        Err(_) => false,
    };
    let (org, record, content, revisions) = match loaded {
        Ok(v) if v.1.record_type == t => v,
        Ok(_) => return page_error(lang, ApiError::not_found(lang)),
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
    let tr = Tr(lang);
    let mut history = Vec::new();
    for r in &revisions {
        let what = if r.deleted {
            tr.get("history-deleted")
        } else if r.parents.is_empty() {
            tr.get("history-created")
        } else {
            tr.get("history-edited")
        };
        let changed = match bienphong_domain::revision::parent_content(&revisions, r) {
            Some(before) if !r.deleted => changes(lang, t, before, &r.content),
            _ => vec![],
        };
        history.push(HistoryLine {
            revision: r.id.to_string(),
            author: r.author.clone(),
            when: when(r.created_ms),
            what,
            changes: changed,
        });
    }
    history.reverse();
    let value: Value = serde_json::from_str(&record.content).unwrap_or(Value::Null);
    let can_edit = auth.principal.grant.may_write_type(t)
        && auth.principal.grant.allows(
            bienphong_domain::access::Access::Write,
            &org,
            &content,
            None,
        );
    render(RecordPage {
        title: format!(
            "{} · {}",
            tr.get(&format!("type-{t}")),
            describe(&org, lang, &content)
        ),
        f: frame(&auth, &org, &back),
        kind,
        id: record_id.to_string(),
        revision: record.revision_id.to_string(),
        fields: shown_fields(lang, t, &value),
        history,
        saved: q.contains_key("saved"),
        can_edit: can_edit && !in_conflict,
        in_conflict,
    })
}

// ---------------------------------------------------- organisation pages

pub struct UnitLine {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub valid: String,
    pub parents: String,
    pub coordinated: String,
    pub verified: bool,
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    f: Frame,
    units: Vec<UnitLine>,
    search: String,
}

fn validity(from: Option<bienphong_domain::Date>, to: Option<bienphong_domain::Date>) -> String {
    match (from, to) {
        (None, None) => "—".into(),
        (f, t) => format!(
            "{} – {}",
            f.map(format::date).unwrap_or_default(),
            t.map(format::date).unwrap_or_default()
        ),
    }
}

async fn org_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let auth = signed_in!(state, headers, "/org");
    let lang = auth.lang;
    let org = match state.service.org_shared().await {
        Ok(o) => o,
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
    let tr = Tr(lang);
    let search = q.get("q").cloned().unwrap_or_default();
    let mut units: Vec<&bienphong_domain::org::Unit> = org
        .units
        .values()
        .filter(|u| {
            search.trim().is_empty()
                || bienphong_domain::text::matches_search(
                    &format!("{} {}", u.name, u.code),
                    &search,
                )
        })
        .collect();
    units.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| collate(a.name.as_str(), b.name.as_str()))
    });
    let lines = units
        .into_iter()
        .map(|u| {
            let links = |coordination: bool, incoming: bool| {
                org.links
                    .iter()
                    .filter(|l| {
                        (l.kind == bienphong_domain::org::LinkKind::Coordination) == coordination
                            && if incoming {
                                l.to == u.code
                            } else {
                                l.from == u.code
                            }
                    })
                    .map(|l| {
                        let other = if incoming { &l.from } else { &l.to };
                        let v = validity(l.valid_from, l.valid_to);
                        let name = unit_name(&org, other.as_str(), lang);
                        if v == "—" {
                            name
                        } else {
                            format!("{name} ({v})")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            UnitLine {
                code: u.code.to_string(),
                name: unit_name(&org, u.code.as_str(), lang),
                kind: tr.get(&format!("choice-{}", u.kind.as_str())),
                valid: validity(u.valid_from, u.valid_to),
                parents: links(false, true),
                coordinated: links(true, false),
                verified: u.verified,
            }
        })
        .collect();
    render(OrgPage {
        f: frame(&auth, &org, "/org"),
        units: lines,
        search,
    })
}

pub struct CatalogueSection {
    pub title: String,
    pub entries: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "catalogues.html")]
struct CataloguePage {
    f: Frame,
    sections: Vec<CatalogueSection>,
}

async fn catalogue_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let auth = signed_in!(state, headers, "/catalogues");
    let lang = auth.lang;
    let org = match state.service.org_shared().await {
        Ok(o) => o,
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
    let tr = Tr(lang);
    let sections = CatalogueKind::ALL
        .iter()
        .map(|k| {
            let mut entries: Vec<_> = org.catalogue.list(*k);
            entries.sort_by(|a, b| {
                a.order
                    .cmp(&b.order)
                    .then_with(|| collate(a.vi.as_str(), b.vi.as_str()))
            });
            CatalogueSection {
                title: tr.get(&format!("choice-{}", k.as_str())),
                entries: entries
                    .into_iter()
                    .map(|e| {
                        (
                            e.code.to_string(),
                            e.vi.to_string(),
                            e.en.to_string(),
                            e.measure_vi
                                .as_ref()
                                .map(|m| m.to_string())
                                .unwrap_or_default(),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    render(CataloguePage {
        f: frame(&auth, &org, "/catalogues"),
        sections,
    })
}

// ---------------------------------------------------------------- reports

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportPage {
    f: Frame,
    units: Vec<(String, String)>,
    periods: Vec<(String, String)>,
    period: String,
    scope: String,
    year: String,
    cutoff: String,
    html: Option<String>,
    charts: Vec<ChartFigure>,
    download: String,
}

/// A chart of the report as inline SVG, with its numbered caption.
struct ChartFigure {
    caption: String,
    svg: String,
}

async fn report_charts(
    state: &AppState,
    lang: Lang,
    r: &Report,
) -> Result<bienphong_report::Charts, ApiError> {
    match r {
        Report::Annual(a) => bienphong_report::annual_charts(&state.service, a).await,
        Report::Summary(s) => bienphong_report::summary_charts(&state.service, s).await,
    }
    .map_err(|e| report_error(lang, e))
}

fn chart_figures(
    lang: Lang,
    charts: &bienphong_report::Charts,
) -> Result<Vec<ChartFigure>, ApiError> {
    charts
        .shown()
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(ChartFigure {
                caption: c.caption(i + 1),
                svg: c.svg().map_err(|e| report_error(lang, e))?,
            })
        })
        .collect()
}

/// Markdown to HTML, with any HTML inside the text shown as text.
fn markdown_html(md: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, html};
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

/// The periods a report may cover: the annual review, then the summaries.
fn period_choices(t: &Tr) -> Vec<(String, String)> {
    let mut out = vec![
        ("annual".to_string(), t.get("report-annual")),
        ("year".to_string(), t.get("report-period-year")),
        (
            "nine-months".to_string(),
            t.get("report-period-nine-months"),
        ),
        ("half-1".to_string(), t.get("report-period-half-1")),
        ("half-2".to_string(), t.get("report-period-half-2")),
    ];
    for q in 1..=4 {
        out.push((format!("q{q}"), format!("{} {q}", t.get("field-quarter"))));
    }
    for m in 1..=12 {
        out.push((format!("m{m}"), format!("{} {m}", t.get("word-month"))));
    }
    out
}

/// A report the page shows: the annual review or a summary of a period.
enum Report {
    Annual(Box<AnnualReview>),
    Summary(Box<Summary>),
}

async fn report_for(
    state: &AppState,
    who: &Principal,
    lang: Lang,
    q: &HashMap<String, String>,
) -> Result<Report, ApiError> {
    let year: i16 = q
        .get("year")
        .and_then(|y| y.trim().parse().ok())
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| ApiError::bad_request(lang, "year", "2023"))?;
    let cutoff = match q.get("cutoff").map(String::as_str) {
        Some("calendar") => Cutoff::Calendar,
        _ => Cutoff::Decree09,
    };
    let asked = unit_from_query(lang, "scope", q.get("scope"))?;
    let scope = report_scope(state, who, lang, asked).await?;
    let kind = q.get("period").map_or("annual", String::as_str);
    let numbered = |prefix: &str, max: i8| {
        kind.strip_prefix(prefix)
            .and_then(|n| n.parse::<i8>().ok())
            .filter(|n| (1..=max).contains(n))
    };
    let period = match kind {
        "annual" => {
            return bienphong_report::annual_review(&state.service, year, cutoff, scope.as_ref())
                .await
                .map(|r| Report::Annual(Box::new(r)))
                .map_err(|e| report_error(lang, e));
        }
        "year" => Period::year(year, cutoff),
        "nine-months" => Period::nine_months(year, cutoff),
        _ => match (numbered("half-", 2), numbered("q", 4), numbered("m", 12)) {
            (Some(h), _, _) => Period::half(year, h, cutoff),
            (_, Some(n), _) => Period::quarter(year, n, cutoff),
            (_, _, Some(m)) => Period::month(year, m, cutoff),
            _ => return Err(ApiError::bad_request(lang, "period", kind.to_string())),
        },
    };
    bienphong_report::summary(&state.service, period, scope.as_ref())
        .await
        .map(|s| Report::Summary(Box::new(s)))
        .map_err(|e| report_error(lang, e))
}

fn report_markdown(lang: Lang, r: &Report) -> Result<String, ApiError> {
    match r {
        Report::Annual(a) => bienphong_report::to_markdown(a),
        Report::Summary(s) => bienphong_report::summary_to_markdown(s),
    }
    .map_err(|e| report_error(lang, e))
}

async fn report_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let back = here(&uri);
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let org = match state.service.org_shared().await {
        Ok(o) => o,
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
    let text = |k: &str| q.get(k).cloned().unwrap_or_default();
    let (year, scope) = (text("year"), text("scope"));
    let period = q.get("period").cloned().unwrap_or_else(|| "annual".into());
    let cutoff = q
        .get("cutoff")
        .cloned()
        .unwrap_or_else(|| "decree09".into());
    let mut html = None;
    let mut charts = Vec::new();
    if !year.is_empty() {
        let shown = async {
            let report = report_for(&state, &auth.principal, lang, &q).await?;
            let md = report_markdown(lang, &report)?;
            let figures = chart_figures(lang, &report_charts(&state, lang, &report).await?)?;
            Ok::<_, ApiError>((md, figures))
        }
        .await;
        match shown {
            Ok((md, figures)) => {
                html = Some(markdown_html(&md));
                charts = figures;
            }
            Err(e) => return page_error(lang, e),
        }
    }
    let download = serde_urlencoded::to_string([
        ("period", period.as_str()),
        ("year", year.as_str()),
        ("scope", scope.as_str()),
        ("cutoff", cutoff.as_str()),
    ])
    .unwrap_or_default();
    render(ReportPage {
        periods: period_choices(&Tr(lang)),
        f: frame(&auth, &org, &back),
        units: unit_options(&org, lang),
        period,
        scope,
        year,
        cutoff,
        html,
        charts,
        download,
    })
}

async fn report_download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let auth = signed_in!(state, headers, "/reports");
    let lang = auth.lang;
    let result = async {
        let report = report_for(&state, &auth.principal, lang, &q).await?;
        let name = match &report {
            Report::Annual(a) => format!("bao-cao-tong-ket-{}", a.year),
            Report::Summary(s) => format!(
                "bao-cao-{}-{}",
                format::day_key(s.period.from),
                format::day_key(s.period.to)
            ),
        };
        let fail = |e| report_error(lang, e);
        let (body, kind, ext): (Vec<u8>, &str, &str) = match q.get("format").map(String::as_str) {
            Some("json") => (
                match &report {
                    Report::Annual(a) => bienphong_report::to_json(a),
                    Report::Summary(s) => bienphong_report::summary_to_json(s),
                }
                .map_err(fail)?
                .into_bytes(),
                "application/json",
                "json",
            ),
            Some("xlsx") => {
                let bytes = match &report {
                    Report::Annual(a) => {
                        let tables = bienphong_report::annual_tables(a);
                        bienphong_report::tables_to_xlsx(&tables.all())
                    }
                    Report::Summary(s) => {
                        let tables = bienphong_report::summary_tables(s);
                        bienphong_report::tables_to_xlsx(&tables.iter().collect::<Vec<_>>())
                    }
                }
                .map_err(fail)?;
                (
                    bytes,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "xlsx",
                )
            }
            Some("csv") => {
                let bytes = match &report {
                    Report::Annual(a) => {
                        bienphong_report::tables_to_csv(&bienphong_report::annual_tables(a).all())
                    }
                    Report::Summary(s) => {
                        let tables = bienphong_report::summary_tables(s);
                        bienphong_report::tables_to_csv(&tables.iter().collect::<Vec<_>>())
                    }
                };
                (bytes, "text/csv; charset=utf-8", "csv")
            }
            Some("docx") => {
                let (period, scope) = match &report {
                    Report::Annual(a) => (a.period, a.scope.as_ref().map(|u| u.code.clone())),
                    Report::Summary(s) => (s.period, s.scope.as_ref().map(|u| u.code.clone())),
                };
                let org = state
                    .service
                    .org_shared()
                    .await
                    .map_err(|e| ApiError::from_service(lang, e))?;
                let scope = scope.and_then(|c| Code::parse(&c).ok());
                let today = today();
                let head =
                    bienphong_report::Letterhead::for_scope(&org, scope.as_ref(), period.to, today);
                let charts = report_charts(&state, lang, &report).await?;
                (
                    bienphong_report::markdown_to_docx_with_charts(
                        &report_markdown(lang, &report)?,
                        &head,
                        &charts.shown(),
                    )
                    .map_err(fail)?,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "docx",
                )
            }
            _ => (
                report_markdown(lang, &report)?.into_bytes(),
                "text/markdown; charset=utf-8",
                "md",
            ),
        };
        Ok::<_, ApiError>((body, kind, format!("{name}.{ext}")))
    }
    .await;
    match result {
        Ok((body, kind, file)) => attachment(body, kind, &file),
        Err(e) => page_error(lang, e),
    }
}

// ------------------------------------------------------------------ audit

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    f: Frame,
    entries: Vec<bienphong_store::AuditEntry>,
    actor: String,
    action: String,
    outcome: String,
    older: Option<String>,
}

impl AuditPage {
    fn when(&self, ms: &i64) -> String {
        when(*ms)
    }
}

async fn audit_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let auth = signed_in!(state, headers, "/admin/audit");
    let lang = auth.lang;
    let result = async {
        require_admin(&auth.principal, lang)?;
        let mut filter = audit_filter(lang, &q)?;
        filter.limit = 100;
        let entries = state
            .service
            .audit_entries(&filter)
            .await
            .map_err(|e| ApiError::from_service(lang, e))?;
        let org = state
            .service
            .org_shared()
            .await
            .map_err(|e| ApiError::from_service(lang, e))?;
        Ok::<_, ApiError>((org, entries))
    }
    .await;
    let (org, entries) = match result {
        Ok(v) => v,
        Err(e) => return page_error(lang, e),
    };
    let text = |k: &str| q.get(k).cloned().unwrap_or_default();
    let older = (entries.len() == 100)
        .then(|| entries.last().map(|e| e.seq))
        .flatten()
        .map(|seq| {
            serde_urlencoded::to_string([
                ("actor", text("actor")),
                ("action", text("action")),
                ("outcome", text("outcome")),
                ("before", seq.to_string()),
            ])
            .unwrap_or_default()
        });
    render(AuditPage {
        f: frame(&auth, &org, "/admin/audit"),
        entries,
        actor: text("actor"),
        action: text("action"),
        outcome: text("outcome"),
        older,
    })
}
