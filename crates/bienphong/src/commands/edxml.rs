//! `bienphong edxml export | import | verify`: packets of QCVN 102 over
//! the service's use cases; signing with the user's PKCS#12 file and
//! stamping at a timestamp server happen here, at the edge.

use super::records::parse_record_id;
use crate::cli::{EdxmlCommand, ExportWhat, HeaderArgs, SigningArgs};
use crate::context::Context;
use crate::error::{CliError, Kind, Result};
use crate::output::announce;
use anyhow::Context as _;
use bienphong_domain::org::Code;
use bienphong_domain::{ValidationError, format};
use bienphong_edxml as edxml;
use bienphong_service::edxml::{Outgoing, OutgoingFile, Sending};
use std::io::Write;
use std::path::{Path, PathBuf};

pub async fn run(ctx: &Context, command: EdxmlCommand, out: &mut impl Write) -> Result<()> {
    match command {
        EdxmlCommand::Export { what } => export(ctx, what, out).await,
        EdxmlCommand::Import {
            file,
            max_size,
            answer,
            json,
        } => import(ctx, &file, max_size, answer.as_deref(), json, out).await,
        EdxmlCommand::Answer { id, out: path } => answer(ctx, &id, &path, out).await,
        EdxmlCommand::Verify { file, json } => verify(ctx, &file, json, out),
    }
}

fn edxml_error(e: edxml::EdxmlError) -> CliError {
    CliError::Message(
        "edxml-signing",
        vec![("detail", e.to_string())],
        Kind::Invalid,
    )
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    Ok(std::fs::read(path).with_context(|| path.display().to_string())?)
}

fn files(paths: &[PathBuf]) -> Result<Vec<OutgoingFile>> {
    paths
        .iter()
        .map(|p| {
            Ok(OutgoingFile {
                name: p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                bytes: read_file(p)?,
            })
        })
        .collect()
}

fn sending(h: &HeaderArgs) -> Sending {
    let kind = match h.kind.as_str() {
        "replacement" => edxml::MessageKind::Replacement,
        "revocation" => edxml::MessageKind::Revocation,
        "update" => edxml::MessageKind::Update,
        _ => edxml::MessageKind::New,
    };
    Sending {
        place: h.place.clone(),
        signer: edxml::SignerInfo {
            competence: h.competence.clone().unwrap_or_default(),
            position: h.signer_position.clone().unwrap_or_default(),
            full_name: h.signer_name.clone().unwrap_or_default(),
        },
        priority: h.priority,
        scope: h.scope.clone(),
        kind,
        reason: h.reason.clone(),
        concerns: h.concerns.iter().cloned().collect(),
    }
}

fn check_header(h: &HeaderArgs) -> Result<()> {
    if h.kind != "new" && h.concerns.is_none() {
        return Err(ValidationError::new("concerns", bienphong_domain::Problem::Missing).into());
    }
    Ok(())
}

async fn export(ctx: &Context, what: ExportWhat, out: &mut impl Write) -> Result<()> {
    let (packet, header, signing) = match what {
        ExportWhat::Document {
            id,
            files: paths,
            header,
            signing,
        } => {
            check_header(&header)?;
            let id = parse_record_id(&id)?;
            let extra = files(&paths)?;
            let service = ctx.service().await?;
            let packet = service
                .document_packet(id, &sending(&header), extra)
                .await?;
            (packet, header, signing)
        }
        ExportWhat::Report {
            files: paths,
            unit,
            to,
            number,
            date,
            document_type,
            title,
            header,
            signing,
        } => {
            check_header(&header)?;
            let code = |field: &'static str, s: &str| {
                Code::parse(s).map_err(|p| CliError::from(ValidationError::new(field, p)))
            };
            let o = Outgoing {
                unit: code("unit", &unit)?,
                recipients: to.iter().map(|t| code("to", t)).collect::<Result<_>>()?,
                date: format::parse_date(&date).map_err(|p| ValidationError::new("date", p))?,
                number,
                document_type: code("type", &document_type)?,
                title,
            };
            let extra = files(&paths)?;
            let service = ctx.service().await?;
            let packet = service
                .outgoing_packet(&o, &sending(&header), extra)
                .await?;
            (packet, header, signing)
        }
    };
    let xml = sign(packet, &signing, out).await?;
    std::fs::write(&header.out, &xml).with_context(|| header.out.display().to_string())?;
    writeln!(
        out,
        "{}",
        ctx.say(
            "edxml-written",
            &[("path", header.out.display().to_string())]
        )
    )
    .context("stdout")?;
    Ok(())
}

/// The packet as XML, signed and stamped as `signing` asks.
async fn sign(
    mut packet: edxml::Packet,
    signing: &SigningArgs,
    out: &mut impl Write,
) -> Result<String> {
    let creds = match &signing.sign {
        None => None,
        Some(p12) => Some(
            edxml::Credentials::from_pkcs12(&read_file(p12)?, &signing.passphrase)
                .map_err(edxml_error)?,
        ),
    };
    if let (Some(creds), true) = (&creds, signing.sign_files) {
        let docx: Vec<edxml::Attachment> = packet
            .attachments
            .iter()
            .filter(|a| a.name.to_lowercase().ends_with(".docx"))
            .cloned()
            .collect();
        for a in docx {
            packet.attachments.push(edxml::Attachment {
                content_id: format!("{}.p7s", a.content_id),
                name: format!("{}.p7s", a.name),
                content_type: "application/pkcs7-signature".into(),
                description: String::new(),
                bytes: edxml::pkcs7::sign(&a.bytes, creds).map_err(edxml_error)?,
            });
        }
    }
    let mut xml = edxml::write(&packet).map_err(edxml_error)?;
    if let Some(creds) = &creds {
        xml = edxml::dsig::sign(&xml, creds).map_err(edxml_error)?;
        writeln!(out, "{}", creds.subject()).context("stdout")?;
        if let Some(url) = &signing.tsa {
            let value = edxml::dsig::signature_value(&xml).map_err(edxml_error)?;
            let query = edxml::tsa::query(&value).map_err(edxml_error)?;
            let reply = ask_tsa(url, query.der.clone()).await?;
            let (token, time) = edxml::tsa::accept(&reply, &query, &value).map_err(edxml_error)?;
            xml = edxml::dsig::attach_timestamp(&xml, &token).map_err(edxml_error)?;
            writeln!(out, "{time}").context("stdout")?;
        }
    }
    Ok(xml)
}

/// Posts an RFC 3161 query to the timestamp server at `url`.
async fn ask_tsa(url: &str, query: Vec<u8>) -> Result<Vec<u8>> {
    bienphong_sync::client::install_tls_provider();
    let fail = |e: &dyn std::fmt::Display| {
        CliError::Message(
            "edxml-tsa-failed",
            vec![("url", url.to_string()), ("detail", e.to_string())],
            Kind::Failed,
        )
    };
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| fail(&e))?;
    let answer = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/timestamp-query")
        .body(query)
        .send()
        .await
        .map_err(|e| fail(&e))?;
    if !answer.status().is_success() {
        return Err(fail(&answer.status()));
    }
    Ok(answer.bytes().await.map_err(|e| fail(&e))?.to_vec())
}

/// A signature's state in words, in the CLI's language, with its signer
/// and, when it is not valid or not trusted, why.
fn state_line(ctx: &Context, s: &edxml::SignatureState) -> String {
    let mut line = ctx.say(&format!("signature-state-{}", s.as_str()), &[]);
    let reason = match s {
        edxml::SignatureState::Invalid { reason, .. } => reason.as_str(),
        edxml::SignatureState::Valid {
            trust: edxml::Trust::Untrusted { reason },
            ..
        } => reason.as_str(),
        _ => "",
    };
    if let Some(subject) = s.subject().filter(|s| !s.is_empty()) {
        line.push_str(&format!(" ({subject})"));
    }
    if !reason.is_empty() {
        line.push_str(&format!(": {reason}"));
    }
    line
}

/// The trust list of the flags, judging at this moment.
fn trust_now(ctx: &Context) -> Option<edxml::TrustList> {
    ctx.trust
        .as_ref()
        .map(|t| t.at(bienphong_service::now_ms().div_euclid(1000)))
}

async fn import(
    ctx: &Context,
    file: &Path,
    max_size: u64,
    answer: Option<&Path>,
    json: bool,
    out: &mut impl Write,
) -> Result<()> {
    let bytes = read_file(file)?;
    let (service, actor) = (ctx.service().await?, ctx.actor());
    if edxml::is_status(&bytes) {
        return receive_status(ctx, &bytes, json, out).await;
    }
    let imported = service.import_edxml(&actor, &bytes, max_size).await?;
    service
        .audit_local_write(&actor, "edxml import", &imported.revision)
        .await?;
    if let Some(path) = answer {
        let xml = service.status_packet(imported.record, actor.now_ms).await?;
        std::fs::write(path, xml).with_context(|| path.display().to_string())?;
        if !json {
            writeln!(
                out,
                "{}",
                ctx.say(
                    "edxml-answer-written",
                    &[("path", path.display().to_string())]
                )
            )
            .context("stdout")?;
        }
    }
    if json {
        let value = serde_json::json!({
            "id": imported.record.to_string(),
            "revision": imported.revision.id.to_string(),
            "kind": imported.kind.as_str(),
            "earlier": imported.earlier.map(|e| e.to_string()),
            "files": imported.files,
            "exchange": imported.exchange,
        });
        writeln!(out, "{value}").context("stdout")?;
        return Ok(());
    }
    announce(out, ctx.lang, "edxml-imported", &imported.revision)?;
    let x = &imported.exchange;
    writeln!(
        out,
        "{}",
        ctx.say(
            "edxml-import-summary",
            &[
                ("kind", imported.kind.as_str().to_string()),
                ("files", imported.files.to_string()),
                (
                    "signature",
                    ctx.say(
                        &format!("signature-state-{}", x.signature.state.as_str()),
                        &[],
                    ),
                ),
                ("subject", x.signature.subject.to_string()),
            ],
        )
    )
    .context("stdout")?;
    if let Some(earlier) = imported.earlier {
        writeln!(
            out,
            "{}",
            ctx.say(
                "edxml-import-earlier",
                &[
                    ("id", earlier.to_string()),
                    ("kind", imported.kind.as_str().to_string())
                ]
            )
        )
        .context("stdout")?;
    }
    Ok(())
}

/// The status packet of a document taken in before, as its handling
/// stands now.
async fn answer(ctx: &Context, id: &str, path: &Path, out: &mut impl Write) -> Result<()> {
    let record = parse_record_id(id)?;
    let service = ctx.service().await?;
    let xml = service
        .status_packet(record, bienphong_service::now_ms())
        .await?;
    std::fs::write(path, xml).with_context(|| path.display().to_string())?;
    let status = service.incoming_status(record).await?;
    writeln!(
        out,
        "{}",
        ctx.say(
            "edxml-answer-status",
            &[
                ("path", path.display().to_string()),
                (
                    "status",
                    ctx.say(&format!("exchange-status-{}", status.as_str()), &[])
                ),
            ]
        )
    )
    .context("stdout")?;
    Ok(())
}

/// A recipient's status packet: the outgoing document it answers for
/// keeps that recipient's state.
async fn receive_status(
    ctx: &Context,
    bytes: &[u8],
    json: bool,
    out: &mut impl Write,
) -> Result<()> {
    let (service, actor) = (ctx.service().await?, ctx.actor());
    let r = service.receive_status(&actor, bytes).await?;
    service
        .audit_local_write(&actor, "edxml status", &r.revision)
        .await?;
    let words = ctx.say(&format!("exchange-status-{}", r.status.as_str()), &[]);
    if json {
        let value = serde_json::json!({
            "id": r.record.to_string(),
            "revision": r.revision.id.to_string(),
            "organ": r.organ,
            "status": r.status.as_str(),
            "text": words,
        });
        writeln!(out, "{value}").context("stdout")?;
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        ctx.say(
            "edxml-status-received",
            &[
                ("id", r.record.to_string()),
                ("organ", r.organ.clone()),
                ("status", words),
            ]
        )
    )
    .context("stdout")?;
    Ok(())
}

fn verify(ctx: &Context, file: &Path, json: bool, out: &mut impl Write) -> Result<()> {
    let bytes = read_file(file)?;
    let r = edxml::read_trusting(&bytes, trust_now(ctx).as_ref()).map_err(|e| {
        CliError::from(bienphong_service::ServiceError::from(
            bienphong_service::edxml::EdxmlProblem::Packet(e.to_string()),
        ))
    })?;
    if json {
        let files: Vec<serde_json::Value> = r
            .file_signatures
            .iter()
            .map(|(name, s)| {
                serde_json::json!({"file": name, "state": s.as_str(), "subject": s.subject()})
            })
            .collect();
        let value = serde_json::json!({
            "document_id": r.packet.document_id,
            "number": r.packet.number_and_notation(),
            "kind": r.packet.kind.as_str(),
            "signature": r.signature.as_str(),
            "subject": r.signature.subject(),
            "timestamp": r.timestamp,
            "files": files,
        });
        writeln!(out, "{value}").context("stdout")?;
        return Ok(());
    }
    writeln!(
        out,
        "{} {} ({})",
        r.packet.document_id,
        r.packet.number_and_notation(),
        r.packet.kind.as_str()
    )
    .context("stdout")?;
    writeln!(
        out,
        "{}: {}",
        ctx.say("edxml-signature", &[]),
        state_line(ctx, &r.signature)
    )
    .context("stdout")?;
    if let Some(t) = &r.timestamp {
        writeln!(out, "{}: {t}", ctx.say("edxml-timestamp", &[])).context("stdout")?;
    }
    for (name, s) in &r.file_signatures {
        writeln!(out, "{name}: {}", state_line(ctx, s)).context("stdout")?;
    }
    Ok(())
}
