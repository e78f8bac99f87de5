import Testing
@testable import PantauCore

@Suite struct OutboundPolicyTests {
    @Test(arguments: [
        ("http://169.254.169.254/latest/meta-data/", OutboundPolicy.Refusal.internalAddress(.linkLocal)),
        ("http://127.0.0.1:22/", .internalAddress(.loopback)),
        ("http://[::1]:6379/", .internalAddress(.loopback)),
        ("http://10.0.0.1/", .internalAddress(.privateNetwork)),
        ("http://172.16.5.4/", .internalAddress(.privateNetwork)),
        ("http://192.168.1.1/", .internalAddress(.privateNetwork)),
        ("http://100.64.0.1/", .internalAddress(.sharedAddressSpace)),
        ("http://0.0.0.0:8080/", .internalAddress(.unspecified)),
        ("http://[::]/", .internalAddress(.unspecified)),
        ("http://224.0.0.1/", .internalAddress(.multicast)),
        ("http://[ff02::1]/", .internalAddress(.multicast)),
        ("http://255.255.255.255/", .internalAddress(.reserved)),
        ("http://[fe80::1]/", .internalAddress(.linkLocal)),
        ("http://[fd12:3456::1]/", .internalAddress(.privateNetwork)),
        ("http://[::ffff:169.254.169.254]/", .internalAddress(.linkLocal)),
        ("http://[::ffff:7f00:1]/", .internalAddress(.loopback)),
        ("http://[64:ff9b::a9fe:a9fe]/", .internalAddress(.linkLocal)),
        ("http://[2002:7f00:1::]/", .internalAddress(.loopback)),
        ("http://localhost:8080/", .internalAddress(.loopback)),
        ("http://api.localhost/", .internalAddress(.loopback)),
        ("http://2130706433/", .numericHost),
        ("http://0x7f000001/", .numericHost),
        ("http://0x7f.1/", .numericHost),
        ("http://127.1/", .numericHost),
        ("http://0177.0.0.1/", .numericHost),
        ("http://127.000.000.001/", .numericHost),
        ("https://user:pw@desk.example/", .userInfo),
        ("https://desk.example@127.0.0.1/", .userInfo),
        ("ftp://desk.example/", .notHTTP),
        ("javascript:alert(1)", .notHTTP),
        ("http:///path", .malformed),
        ("http://desk.example:99999/", .malformed),
        ("http://desk example/", .malformed),
        ("http://desk.example\\@127.0.0.1/", .malformed),
        ("http://[::1/", .malformed),
    ])
    func refusesWhatLeadsInside(url: String, refusal: OutboundPolicy.Refusal) {
        guard case .failure(let got) = OutboundPolicy.check(url: url) else {
            Issue.record("\(url) was accepted")
            return
        }
        #expect(got == refusal, "\(url)")
    }

    @Test func acceptsPublicAddressesAndLetsTestsReachLoopback() throws {
        let named = try OutboundPolicy.check(url: "https://Liaison.TikTok.example/orders?x=1").get()
        #expect(named == OutboundPolicy.Target(scheme: "https", host: "liaison.tiktok.example", port: 443, address: nil))
        #expect(try OutboundPolicy.check(url: "http://93.184.216.34:8443/hook").get().port == 8443)
        #expect(try OutboundPolicy.check(url: "https://[2606:4700::1111]/").get().address == NetworkAddress("2606:4700::1111"))
        // Allowed (tests, a local set-up): loopback passes, the other rules still hold.
        #expect(try OutboundPolicy.check(url: "http://127.0.0.1:8080/", allowInternal: true).get().address == NetworkAddress("127.0.0.1"))
        #expect(OutboundPolicy.check(url: "http://2130706433/", allowInternal: true) == .failure(.numericHost))
        #expect(OutboundPolicy.check(url: "http://u:p@127.0.0.1/", allowInternal: true) == .failure(.userInfo))
    }

    @Test func resolvedAddressesMustAllBePublic() {
        let publicOne = NetworkAddress("93.184.216.34")!, metadata = NetworkAddress("169.254.169.254")!
        #expect(OutboundPolicy.check(resolved: [publicOne]) == .success(publicOne))
        #expect(OutboundPolicy.check(resolved: [publicOne, metadata]) == .failure(.internalAddress(.linkLocal)))
        #expect(OutboundPolicy.check(resolved: []) == .failure(.unresolvable))
        #expect(OutboundPolicy.check(resolved: [metadata], allowInternal: true) == .success(metadata))
        #expect(NetworkAddress("8.8.8.8")?.kind == nil && NetworkAddress("2001:4860:4860::8888")?.kind == nil)
    }
}
