import TidtamDomain

extension FieldError {
    /// The field as the tests write it, in the JSON Pointer form clients see (`/items/0/weight`),
    /// so that a test reads like the answer it stands for.
    var pointer: String {
        field.steps.map { step -> String in
            switch step {
            case .key(let key): return "/" + key
            case .index(let index): return "/\(index)"
            }
        }.joined()
    }
}
