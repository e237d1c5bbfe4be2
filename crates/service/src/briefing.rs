//! The rules of quarterly briefing reports that need the store: one report
//! per unit and quarter, and a submitted report is frozen — only submitting
//! sets its status and figures, and nothing changes it afterwards.

use crate::{Actor, Principal, Result, Service};
use bienphong_domain::org::Code;
use bienphong_domain::record::{BriefingReport, BriefingStatus, FrozenFigure};
use bienphong_domain::{
    Content, Cutoff, Date, Period, Problem, RecordId, RecordType, RevisionId, ValidationError,
};
use bienphong_store::{AccountStore, CurrentRecord, ListFilter, Store, StoreError};

/// A unit's report for a quarter, as stored.
#[derive(Clone, Debug)]
pub struct StoredBriefing {
    pub record: CurrentRecord,
    pub report: BriefingReport,
}

fn quarter_days(year: i16, quarter: i8) -> Option<Period> {
    if !(1..=4).contains(&quarter) {
        return None;
    }
    // The report's date is its quarter's last day under its own cut-off:
    // cover both rules so that a unit has one report per quarter whatever
    // rule it was written under.
    let decree = Period::quarter(year, quarter, Cutoff::Decree09);
    let calendar = Period::quarter(year, quarter, Cutoff::Calendar);
    Period::new(decree.to.min(calendar.to), decree.to.max(calendar.to))
}

impl<S: Store> Service<S> {
    /// Every stored report of `quarter` of `year`, of any unit.
    pub async fn briefing_reports(&self, year: i16, quarter: i8) -> Result<Vec<StoredBriefing>> {
        let Some(days) = quarter_days(year, quarter) else {
            return Ok(vec![]);
        };
        let records = self
            .list(ListFilter {
                record_type: Some(RecordType::BriefingReport),
                period: Some(days),
                ..ListFilter::default()
            })
            .await?;
        let mut out = Vec::with_capacity(records.len());
        for record in records {
            if let Content::BriefingReport(report) =
                Content::from_json(record.record_type, &record.content)?
                && report.year == year
                && report.quarter == quarter
            {
                out.push(StoredBriefing { record, report });
            }
        }
        Ok(out)
    }

    /// `unit`'s report of `quarter` of `year`, if it has one.
    pub async fn briefing_report(
        &self,
        unit: &Code,
        year: i16,
        quarter: i8,
    ) -> Result<Option<StoredBriefing>> {
        Ok(self
            .briefing_reports(year, quarter)
            .await?
            .into_iter()
            .find(|b| &b.report.unit == unit))
    }

    /// Checks a write of a briefing report through the ordinary paths
    /// (create, edit, delete): `record` is the record written, `content`
    /// what it becomes (`None` for a delete).
    pub(crate) async fn check_briefing_write(
        &self,
        record: Option<RecordId>,
        content: Option<&Content>,
    ) -> Result<()> {
        if let Some(id) = record
            && let Some(current) = self.store.get(id).await?
            && let Content::BriefingReport(before) =
                Content::from_json(current.record_type, &current.content)?
            && before.status == BriefingStatus::Submitted
        {
            return Err(ValidationError::new("status", Problem::AlreadySubmitted).into());
        }
        let Some(Content::BriefingReport(report)) = content else {
            return Ok(());
        };
        if report.status == BriefingStatus::Submitted {
            return Err(ValidationError::new("status", Problem::SetBySubmission).into());
        }
        if let Some(other) = self
            .briefing_report(&report.unit, report.year, report.quarter)
            .await?
            && Some(other.record.record_id) != record
        {
            return Err(ValidationError::new(
                "unit",
                Problem::ReportExists(report.unit.to_string()),
            )
            .into());
        }
        Ok(())
    }

    /// Submits a draft: its figures are frozen as `figures` (computed from
    /// the records by the caller, see the report crate) on `today`.
    pub async fn submit_briefing(
        &self,
        actor: &Actor,
        record_id: RecordId,
        expected: Option<RevisionId>,
        figures: Vec<FrozenFigure>,
        today: Date,
    ) -> Result<bienphong_domain::Revision> {
        let current = self.get(record_id).await?;
        let Content::BriefingReport(mut report) =
            Content::from_json(current.record_type, &current.content)?
        else {
            return Err(StoreError::WrongType {
                record: record_id,
                expected: RecordType::BriefingReport,
                actual: current.record_type,
            }
            .into());
        };
        if report.status == BriefingStatus::Submitted {
            return Err(ValidationError::new("status", Problem::AlreadySubmitted).into());
        }
        report.status = BriefingStatus::Submitted;
        report.submitted_on = Some(today);
        report.figures = figures;
        let content = Content::BriefingReport(report);
        let org = self.org_shared().await?;
        bienphong_domain::validate::check(&content, &org, false)?;
        let parent = expected.unwrap_or(current.revision_id);
        // Straight to the store: submitting is the one write that may set
        // status and figures, and it was checked above.
        let written = self
            .store
            .commit(vec![bienphong_store::Write {
                record_id,
                record_type: RecordType::BriefingReport,
                content: Some(content),
                parent: Some(parent),
                resolves: Vec::new(),
                author: actor.name.clone(),
                created_ms: actor.now_ms,
                revision_id: None,
            }])
            .await?;
        crate::only_revision(written)
    }
}

impl<S: Store + AccountStore> Service<S> {
    /// [`Service::submit_briefing`] by `who`, who must be allowed to change
    /// the report; audited.
    pub async fn submit_briefing_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record_id: RecordId,
        expected: Option<RevisionId>,
        figures: Vec<FrozenFigure>,
        today: Date,
    ) -> Result<bienphong_domain::Revision> {
        let (_, content) = self.read_as(who, now_ms, record_id).await?;
        self.authorise_write(who, now_ms, "submit", Some(record_id), &content)
            .await?;
        let rev = self
            .submit_briefing(
                &Actor {
                    name: who.name.clone(),
                    now_ms,
                },
                record_id,
                expected,
                figures,
                today,
            )
            .await?;
        self.audit_record(
            who,
            now_ms,
            "submit",
            true,
            RecordType::BriefingReport,
            Some(record_id),
            Some(&content),
            rev.id.to_string(),
        )
        .await?;
        Ok(rev)
    }
}
