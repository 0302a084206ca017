/// Local names: a contact's petname and a group's name are mine to change;
/// an identity's name travels in its signed card, so it stays.
extension Keyring {
    public enum Renamed: String { case contact, group }

    /// Renames a contact or a group, and every group member that names it.
    @discardableResult
    public func rename(_ old: String, to new: String) throws -> Renamed {
        try db.transaction {
            if try db.rows("SELECT 1 FROM contacts WHERE name = ?", [.text(old)]).first != nil {
                try Names.validate(new, what: "contact name")
                try ensureFree(new, hint: "choose another new name")
                try db.run("UPDATE contacts SET name = ? WHERE name = ?", [.text(new), .text(old)])
                try db.run("UPDATE group_members SET member = ? WHERE member = ?", [.text(new), .text(old)])
                return .contact
            }
            let group = old.hasPrefix("@") ? String(old.dropFirst()) : old
            let newGroup = new.hasPrefix("@") ? String(new.dropFirst()) : new
            if try db.rows("SELECT 1 FROM group_members WHERE name = ?", [.text(group)]).first != nil {
                try Names.validate(newGroup, what: "group name")
                guard try db.rows("SELECT 1 FROM group_members WHERE name = ?", [.text(newGroup)]).isEmpty else {
                    throw SottoError(.refused, "the group name '\(newGroup)' is already taken")
                }
                try db.run("UPDATE group_members SET name = ? WHERE name = ?", [.text(newGroup), .text(group)])
                try db.run("UPDATE group_members SET member = ? WHERE member = ?", [.text("@" + newGroup), .text("@" + group)])
                return .group
            }
            if try db.rows("SELECT 1 FROM identities WHERE name = ?", [.text(old)]).first != nil {
                throw SottoError(.refused, "'\(old)' is one of your identities: its name is in the card your contacts hold",
                                 hints: ["they keep their own name for you; to be known by another name, make a new identity"])
            }
            throw SottoError(.notFound, "no contact or group named '\(old)'")
        }
    }
}
