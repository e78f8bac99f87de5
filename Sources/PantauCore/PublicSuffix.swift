/// Registered-domain rules from the Public Suffix List's ICANN section: which
/// part of a host name is a public suffix (`com`, `co.id`, `go.id`) and which
/// name under it someone registered (`namasitus.co.id`).
public enum PublicSuffix {
    private struct Rules: Sendable {
        var exact: Set<String> = []
        var wildcard: Set<String> = []
        var exception: Set<String> = []
    }

    private static let rules: Rules = {
        var rules = Rules()
        for line in PublicSuffixData.icannRules.split(separator: "\n") {
            if line.hasPrefix("!") {
                rules.exception.insert(String(line.dropFirst()))
            } else if line.hasPrefix("*.") {
                rules.wildcard.insert(String(line.dropFirst(2)))
            } else {
                rules.exact.insert(String(line))
            }
        }
        return rules
    }()

    /// The public suffix of a lower-case ASCII host, or nil when no listed
    /// rule covers its last label (not a top-level domain anyone can register under).
    public static func suffix(of host: String) -> String? {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard !labels.contains(where: \.isEmpty) else { return nil }
        // Longest match first; an exception rule names a registrable domain.
        for start in labels.indices {
            let candidate = labels[start...].joined(separator: ".")
            if rules.exception.contains(candidate) { return labels[(start + 1)...].joined(separator: ".") }
            if rules.exact.contains(candidate) { return candidate }
            if start + 1 < labels.count, rules.wildcard.contains(labels[(start + 1)...].joined(separator: ".")) { return candidate }
        }
        return nil
    }

    /// The registered domain of a lower-case ASCII host (its public suffix
    /// and one label more), or nil when the host is a public suffix itself
    /// or its suffix is not listed.
    public static func registeredDomain(of host: String) -> String? {
        guard let suffix = suffix(of: host), host.count > suffix.count else { return nil }
        let rest = host.dropLast(suffix.count + 1)
        let label = rest.split(separator: ".").last.map(String.init) ?? String(rest)
        return label + "." + suffix
    }
}
