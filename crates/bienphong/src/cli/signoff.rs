//! `bienphong signoff …`: joint sign-off and acknowledgement of documents
//! and briefing reports (issue 16).

use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum SignoffCommand {
    /// A document's or briefing report's sign-off: each required signer's
    /// state and every answer.
    Show { id: String },
    /// Sign in a position (position@UNIT), naming the revision signed.
    Sign {
        id: String,
        /// The position signed in: position@UNIT (commander,
        /// political_commissar, party_secretary, peoples_committee_chairman).
        #[arg(long = "as", value_name = "POSITION@UNIT")]
        signer: String,
        /// The signer's full name as printed under the signature.
        #[arg(long)]
        name: Option<String>,
        /// The revision seen; a record changed since is refused.
        #[arg(long)]
        revision: Option<String>,
    },
    /// Return it to its drafters with a comment.
    Return {
        id: String,
        #[arg(long = "as", value_name = "POSITION@UNIT")]
        signer: String,
        #[arg(long)]
        comment: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        revision: Option<String>,
    },
    /// Acknowledge receipt for a recipient unit, with what it did on the
    /// required actions (N=done, N=open, N=cancelled; N from 1).
    Acknowledge {
        id: String,
        #[arg(long, value_name = "CODE")]
        unit: String,
        #[arg(long = "action", value_name = "N=STATUS")]
        actions: Vec<String>,
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Overdue acknowledgements and required actions on every document.
    Overdue,
}
