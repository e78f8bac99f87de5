import Foundation

/// Prevalence: the share of monitored posts that violate, estimated from a
/// labelled random sample, with its 95 % confidence interval — the figure
/// platforms publish in their enforcement reports, here measured by the
/// regulator itself.
public struct Prevalence: Sendable, Equatable {
    /// Posts labelled, and of them found violating.
    public let sampled: Int
    public let violating: Int
    /// The share (0–1), nil for an empty sample.
    public let share: Double?
    /// The 95 % Wilson score interval, nil for an empty sample.
    public let lower: Double?
    public let upper: Double?

    /// z for a two-sided 95 % interval.
    public static let z95 = 1.959963984540054

    /// The Wilson score interval: honest at small samples and at shares near
    /// 0 or 1, where the normal approximation gives impossible bounds.
    public init(violating: Int, sampled: Int, z: Double = Prevalence.z95) {
        precondition(sampled >= 0 && violating >= 0 && violating <= sampled)
        self.sampled = sampled
        self.violating = violating
        guard sampled > 0 else {
            share = nil; lower = nil; upper = nil
            return
        }
        let n = Double(sampled), p = Double(violating) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * ((p * (1 - p) / n + z2 / (4 * n * n)).squareRoot())
        share = p
        lower = max(0, centre - half)
        upper = min(1, centre + half)
    }
}

/// Drawing a week's sample of monitored posts.
public enum PrevalenceSample {
    /// `count` distinct indices of `0..<population`, uniform (every post
    /// equally likely), by a partial Fisher–Yates shuffle with the given generator.
    public static func uniform<G: RandomNumberGenerator>(population: Int, count: Int, using generator: inout G) -> [Int] {
        guard population > 0, count > 0 else { return [] }
        var indices = Array(0..<population)
        let take = min(count, population)
        for i in 0..<take {
            let j = Int.random(in: i..<population, using: &generator)
            indices.swapAt(i, j)
        }
        // In the order drawn, not sorted: the queue labels by position, so a
        // half-labelled sample is still a random one, not the week's first posts.
        return Array(indices.prefix(take))
    }

    /// `count` distinct indices drawn with probability proportional to their
    /// weights (views: how much of what people saw violated), without
    /// replacement, by Efraimidis–Spirakis keys (u^(1/w), the largest kept).
    /// Posts with no views (weight 0) are never drawn.
    public static func weighted<G: RandomNumberGenerator>(weights: [Double], count: Int, using generator: inout G) -> [Int] {
        guard count > 0 else { return [] }
        var keyed: [(key: Double, index: Int)] = []
        keyed.reserveCapacity(weights.count)
        for (index, weight) in weights.enumerated() where weight > 0 {
            let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
            keyed.append((log(u) / weight, index))
        }
        keyed.sort { $0.key > $1.key }
        // In the order drawn (largest key first), not sorted by index.
        return keyed.prefix(count).map(\.index)
    }
}
