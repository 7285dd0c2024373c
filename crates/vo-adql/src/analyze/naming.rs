//! Result column names: unique, readable, stable (`count`, `avg`, `count2`...).

/// Hands out result column names, making repeats unique by a numeric suffix (case-insensitively,
/// since ADQL clients compare column names that way).
#[derive(Debug, Default)]
pub struct OutputNames {
    taken: Vec<String>,
}

impl OutputNames {
    /// `wanted` if free, else `wanted2`, `wanted3`...
    pub fn claim(&mut self, wanted: &str) -> String {
        let mut candidate = wanted.to_string();
        let mut counter = 1;
        while self.taken.iter().any(|t| t.eq_ignore_ascii_case(&candidate)) {
            counter += 1;
            candidate = format!("{wanted}{counter}");
        }
        self.taken.push(candidate.clone());
        candidate
    }
}

/// The candidate closest to `written` (case-insensitive Jaro–Winkler), if reasonably close.
pub fn closest<'a>(written: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let written = written.to_ascii_lowercase();
    candidates
        .map(|c| (strsim::jaro_winkler(&written, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_get_suffixes() {
        let mut names = OutputNames::default();
        assert_eq!(names.claim("count"), "count");
        assert_eq!(names.claim("COUNT"), "COUNT2");
        assert_eq!(names.claim("count"), "count3");
    }

    #[test]
    fn suggestions() {
        let columns = ["phot_g_mean_mag", "ra", "dec"];
        assert_eq!(closest("phot_g_mean", columns.iter().copied()), Some("phot_g_mean_mag"));
        assert_eq!(closest("zzz", columns.iter().copied()), None);
    }
}
