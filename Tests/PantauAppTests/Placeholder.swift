import Testing
import HummingbirdTesting
@testable import PantauApp
@Test func placeholderApp() { #expect(true) }
