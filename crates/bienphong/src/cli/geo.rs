//! Places and patrol tracks: attach a GPX to a patrol, import the
//! coordinates of markers and posts, coverage of markers, exports.

use super::attachments::parse_size;
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug)]
pub enum GeoCommand {
    /// Attach a GPS track (GPX from a phone or handheld) to a patrol: it is
    /// checked, measured and kept; nothing is kept if it is refused.
    Track(TrackArgs),
    /// The tracks of a patrol: distance, duration, moving time, markers passed.
    Tracks(TracksArgs),
    /// Set the coordinates of markers, posts and stations, and communes'
    /// areas and border lines, from a CSV or GeoJSON file (all rows or none).
    Places(PlacesArgs),
    /// Which markers patrols visited in a period, and which not in N days.
    Coverage(CoverageArgs),
    /// Write the tracks and markers of a period as GPX, GeoJSON or KML.
    Export(GeoExportArgs),
}

#[derive(clap::Args, Debug)]
pub struct TrackArgs {
    /// The patrol's record id.
    pub id: String,
    /// The GPX file.
    pub file: PathBuf,
    /// How the patrol moved: foot, motorbike or boat.
    #[arg(long, default_value = "foot")]
    pub means: String,
    /// Keep a track faster than the means plausibly goes.
    #[arg(long)]
    pub confirm: bool,
    /// The name to keep (default: the file's own name).
    #[arg(long)]
    pub name: Option<String>,
    /// The largest file accepted.
    #[arg(long, env = "BIENPHONG_MAX_ATTACHMENT", value_name = "SIZE", value_parser = parse_size, default_value = "20MB")]
    pub max_size: u64,
}

#[derive(clap::Args, Debug)]
pub struct TracksArgs {
    /// The patrol's record id.
    pub id: String,
    /// How near a track must pass a marker, in metres.
    #[arg(long, default_value_t = 100.0)]
    pub tolerance: f64,
    /// JSON instead of lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct PlacesArgs {
    /// A CSV (type, code, post, lat, lon) or a GeoJSON file of points,
    /// communes' areas (Polygon, MultiPolygon) and border lines
    /// (LineString, MultiLineString), each feature keyed by `code` or
    /// `admin_code`.
    pub file: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct PeriodScope {
    /// First day (DD/MM/YYYY).
    #[arg(long)]
    pub from: String,
    /// Last day (DD/MM/YYYY).
    #[arg(long)]
    pub to: String,
    /// A unit code: its markers and the patrols of its units.
    #[arg(long)]
    pub scope: Option<String>,
    /// Flag markers not visited in this many days up to the last day.
    #[arg(long, default_value_t = 30)]
    pub days: i64,
    /// How near a track must pass a marker, in metres.
    #[arg(long, default_value_t = 100.0)]
    pub tolerance: f64,
}

#[derive(clap::Args, Debug)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub period: PeriodScope,
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct GeoExportArgs {
    #[command(flatten)]
    pub period: PeriodScope,
    /// Only the tracks of patrols led by this unit.
    #[arg(long)]
    pub unit: Option<String>,
    /// gpx, geojson or kml.
    #[arg(long, default_value = "geojson")]
    pub format: String,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}
