use crate::lint::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file that does not follow its dialect's layout, for formats that are not YAML
    /// (a PSPLIB `.sm` instance with a missing section or a row with too few numbers).
    ///
    /// ## Why is this bad?
    /// The rows that cannot be read are left out, so the schedule is not the instance's.
    ///
    /// ## Example
    /// ```text
    /// PRECEDENCE RELATIONS:
    /// jobnr.    #modes  #successors   successors
    ///    1        1          3           2   3      <- announces 3 successors, lists 2
    /// ```
    pub static MALFORMED_FILE = {
        code: "PS009",
        name: "malformed-file",
        severity: Error,
        check: Reader,
    }
}
