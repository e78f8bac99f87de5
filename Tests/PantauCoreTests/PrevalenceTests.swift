import Foundation
import Testing
@testable import PantauCore

struct PrevalenceTests {
    /// A fixed generator, so draws are the same run to run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func wilsonIntervalsMatchPublishedValues() {
        // Reference values (Wilson score interval, z = 1.96).
        let a = Prevalence(violating: 5, sampled: 100)
        #expect(abs(a.lower! - 0.02154) < 1e-4 && abs(a.upper! - 0.11175) < 1e-4)
        let b = Prevalence(violating: 0, sampled: 20)
        #expect(b.lower == 0 && abs(b.upper! - 0.16113) < 1e-4, "no violation found still leaves room for some")
        let c = Prevalence(violating: 20, sampled: 20)
        #expect(c.upper == 1 && abs(c.lower! - 0.83887) < 1e-4)
        let empty = Prevalence(violating: 0, sampled: 0)
        #expect(empty.share == nil && empty.lower == nil && empty.upper == nil)
        // A small sample shows its wide interval; a large one a narrow one around the same share.
        let small = Prevalence(violating: 1, sampled: 10), large = Prevalence(violating: 100, sampled: 1_000)
        #expect(small.share == large.share && (small.upper! - small.lower!) > 5 * (large.upper! - large.lower!))
    }

    @Test func uniformSamplesAreDistinctAndCoverThePopulation() {
        var generator = SplitMix(state: 7)
        let sample = PrevalenceSample.uniform(population: 1_000, count: 100, using: &generator)
        #expect(sample.count == 100 && Set(sample).count == 100 && sample.allSatisfy { (0..<1_000).contains($0) })
        #expect(PrevalenceSample.uniform(population: 5, count: 10, using: &generator).sorted() == [0, 1, 2, 3, 4])
        // In the order drawn: a half-labelled sample is still a random one.
        #expect(PrevalenceSample.uniform(population: 1_000, count: 50, using: &generator) != PrevalenceSample.uniform(population: 1_000, count: 50, using: &generator).sorted())
        // Over many draws every post is about equally likely.
        var hits = [Int](repeating: 0, count: 10)
        for _ in 0..<20_000 { for i in PrevalenceSample.uniform(population: 10, count: 1, using: &generator) { hits[i] += 1 } }
        #expect(hits.allSatisfy { (1_700...2_300).contains($0) }, "\(hits)")
    }

    @Test func weightedSamplesFavourWhatWasSeenMost() {
        var generator = SplitMix(state: 11)
        var hits = [0, 0, 0]
        for _ in 0..<20_000 {
            for i in PrevalenceSample.weighted(weights: [1, 9, 0], count: 1, using: &generator) { hits[i] += 1 }
        }
        #expect(hits[2] == 0, "a post nobody saw is never drawn")
        #expect((16_500...19_500).contains(hits[1]), "nine times the views, about nine times as often: \(hits)")
        let two = PrevalenceSample.weighted(weights: [5, 1, 1, 1], count: 2, using: &generator)
        #expect(two.count == 2 && Set(two).count == 2)
    }
}
