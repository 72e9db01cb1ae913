package store

import (
	"context"
	"time"
)

// Entities of role-based access control (Logto's RBAC): an API resource's
// permissions ("scopes"), roles that group permissions of any resources, and
// the assignment of roles to users and to machine-to-machine applications.

// The Management API's resource, permission and built-in role, seeded by
// the migrations with Logto's ids and names.
const (
	ManagementAPIResourceID = "management-api"
	ManagementAPIIndicator  = "https://default.logto.app/api"
	ManagementAPIScopeAll   = "all"
	// ManagementAPIAccessRoleID is the machine-to-machine role "Logto
	// Management API access", holding the permission "all".
	ManagementAPIAccessRoleID = "management-api-access"
)

// Scope is a permission of an API resource, such as read:books. Its name is
// unique within its resource.
type Scope struct {
	ID          string
	ResourceID  string
	Name        string
	Description string
	CreatedAt   time.Time
}

// RoleType says who a role can be given to.
type RoleType string

const (
	// RoleUser roles are assigned to users.
	RoleUser RoleType = "User"
	// RoleMachineToMachine roles are assigned to machine-to-machine
	// applications.
	RoleMachineToMachine RoleType = "MachineToMachine"
)

// Valid reports whether t is one of the two role types.
func (t RoleType) Valid() bool { return t == RoleUser || t == RoleMachineToMachine }

// Role groups permissions. Names are unique case-insensitively.
type Role struct {
	ID          string
	Name        string
	Description string
	Type        RoleType
	// IsDefault: every new user is given the role (User roles only).
	IsDefault bool
	CreatedAt time.Time
}

// RoleFilter narrows ListRoles. Zero values select everything.
type RoleFilter struct {
	// Search is a case-insensitive substring of the name or description.
	Search string
	Type   RoleType
	// UserID / ApplicationID keep the roles assigned to that user or
	// application; ExcludeUserID / ExcludeApplicationID drop them.
	UserID               string
	ApplicationID        string
	ExcludeUserID        string
	ExcludeApplicationID string
}

// ScopeWithResource is a permission with the resource it belongs to.
type ScopeWithResource struct {
	Scope
	Resource Resource
}

// RBAC stores permissions, roles and role assignments. Deleting a resource,
// scope, role, user or application removes its assignments (cascade).
type RBAC interface {
	// UpdateResource writes Name and AccessTokenTTL.
	UpdateResource(ctx context.Context, r *Resource) error
	DeleteResource(ctx context.Context, id string) error
	// SetDefaultResource marks the resource as the default one (clearing the
	// mark from any other) or unmarks it, atomically.
	SetDefaultResource(ctx context.Context, id string, isDefault bool) error

	// CreateScope: ErrConflict when the resource has a scope of that name,
	// ErrNotFound when the resource does not exist.
	CreateScope(ctx context.Context, s *Scope) error
	GetScope(ctx context.Context, id string) (*Scope, error)
	// GetScopes returns those of ids that exist, in no particular order.
	GetScopes(ctx context.Context, ids []string) ([]*ScopeWithResource, error)
	// ListScopes returns a page of a resource's scopes whose name or
	// description contains search (case-insensitive; "" for all), by name.
	ListScopes(ctx context.Context, resourceID, search string, page Page) ([]*Scope, int64, error)
	// UpdateScope writes Name and Description (ErrConflict: name taken).
	UpdateScope(ctx context.Context, s *Scope) error
	DeleteScope(ctx context.Context, id string) error

	// CreateRole: ErrConflict when the name is taken (case-insensitively).
	CreateRole(ctx context.Context, r *Role) error
	GetRole(ctx context.Context, id string) (*Role, error)
	GetRoleByName(ctx context.Context, name string) (*Role, error)
	// GetRoles returns those of ids that exist, in no particular order.
	GetRoles(ctx context.Context, ids []string) ([]*Role, error)
	// ListRoles returns a page of the roles f selects in creation order,
	// and their total count.
	ListRoles(ctx context.Context, f RoleFilter, page Page) ([]*Role, int64, error)
	// UpdateRole writes Name, Description and IsDefault.
	UpdateRole(ctx context.Context, r *Role) error
	DeleteRole(ctx context.Context, id string) error

	// AddRoleScopes gives the role those scopes; ErrNotFound when the role
	// or a scope does not exist, ErrConflict when one is already given.
	AddRoleScopes(ctx context.Context, roleID string, scopeIDs []string) error
	// RemoveRoleScope: ErrNotFound when the role does not hold the scope.
	RemoveRoleScope(ctx context.Context, roleID, scopeID string) error
	// ListRoleScopes returns a page of the role's scopes whose name or
	// description contains search, with their resources, by resource and
	// name.
	ListRoleScopes(ctx context.Context, roleID, search string, page Page) ([]*ScopeWithResource, int64, error)

	// AddUserRoles assigns roles to a user; ErrNotFound when the user or a
	// role does not exist, ErrConflict when one is already assigned.
	AddUserRoles(ctx context.Context, userID string, roleIDs []string) error
	// AssignDefaultRoles gives a (new) user every default User role.
	AssignDefaultRoles(ctx context.Context, userID string) error
	RemoveUserRole(ctx context.Context, userID, roleID string) error
	// ListRoleUsers returns a page of the role's users (search as in
	// SearchUsers), in creation order.
	ListRoleUsers(ctx context.Context, roleID, search string, page Page) ([]*User, int64, error)

	AddApplicationRoles(ctx context.Context, applicationID string, roleIDs []string) error
	RemoveApplicationRole(ctx context.Context, applicationID, roleID string) error
	// ListRoleApplications returns a page of the role's applications whose
	// name contains search, in creation order.
	ListRoleApplications(ctx context.Context, roleID, search string, page Page) ([]*Application, int64, error)

	// UserRoleNames returns the names of the user's roles, sorted (the
	// roles claim).
	UserRoleNames(ctx context.Context, userID string) ([]string, error)
	// UserResourcePermissions returns the resource named by indicator and
	// the names of its permissions the user holds through roles, sorted, in
	// one round trip (token issuance). ErrNotFound: no such resource.
	UserResourcePermissions(ctx context.Context, userID, indicator string) (*Resource, []string, error)
	// ApplicationResourcePermissions is UserResourcePermissions for a
	// machine-to-machine application's roles.
	ApplicationResourcePermissions(ctx context.Context, applicationID, indicator string) (*Resource, []string, error)
}
