package store

// UserQuery is a search over users in the shape of Logto's search
// parameters (search, search.<field>, mode, joint, isCaseSensitive).
type UserQuery struct {
	Matches []UserMatch
	// All joins the matches with AND; false joins them with OR (Logto's
	// default joint mode).
	All bool
	// CaseSensitive applies to Exact matches only; Like matches are always
	// case-insensitive.
	CaseSensitive bool
}

// UserField is a column a UserMatch looks at.
type UserField string

const (
	UserFieldID           UserField = "id"
	UserFieldUsername     UserField = "username"
	UserFieldPrimaryEmail UserField = "primaryEmail"
	UserFieldPrimaryPhone UserField = "primaryPhone"
	UserFieldName         UserField = "name"
)

// UserFields are the fields one may search, in Logto's names.
var UserFields = []UserField{UserFieldID, UserFieldUsername, UserFieldPrimaryEmail, UserFieldPrimaryPhone, UserFieldName}

// UserMatch is one condition of a UserQuery.
type UserMatch struct {
	// Field is the one field to look at; "" means any of username, primary
	// email, primary phone and name.
	Field UserField
	// Exact compares whole values (equal to one of Values); otherwise the
	// one value is a pattern: "%" matches any run of characters, every
	// other character itself, and a pattern without "%" matches as a
	// substring.
	Exact  bool
	Values []string
}
