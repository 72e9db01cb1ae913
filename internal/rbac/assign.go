package rbac

import (
	"context"
	"errors"
	"slices"

	"github.com/monban-dev/monban/internal/store"
)

// Assignments: User roles go to users, MachineToMachine roles to
// machine-to-machine applications; anything else is a Conflict with
// Logto's code (user.invalid_role_type, application.invalid_role_type,
// application.invalid_type). Every call is one transaction: all or nothing.

var (
	errUserRoleType = conflict("user.invalid_role_type", "Invalid role type, can not assign machine-to-machine role to user.", nil)
	errAppRoleType  = conflict("application.invalid_role_type", "Can not assign user type role to machine to machine application.", nil)
	errAppType      = conflict("application.invalid_type", "Only machine to machine applications can have associated roles.", nil)
)

// AssignRoleUsers gives the role to users. A user who has it already is a
// Conflict (role.user_exists).
func (s *Service) AssignRoleUsers(ctx context.Context, roleID string, userIDs []string) error {
	if err := nonEmptyIDs("userIds", userIDs); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx store.Store) error {
		r, err := tx.GetRole(ctx, roleID)
		if err != nil {
			return notFound(err, "role", roleID)
		}
		if r.Type != store.RoleUser {
			return errUserRoleType
		}
		for _, uid := range dedupe(userIDs) {
			err := tx.AddUserRoles(ctx, uid, []string{roleID})
			switch {
			case errors.Is(err, store.ErrConflict):
				return conflict("role.user_exists", "The user id "+uid+" is already been added to this role.", map[string]string{"userId": uid})
			case err != nil:
				return notFound(err, "user", uid)
			}
		}
		return nil
	})
}

// RemoveRoleUser takes the role from a user.
func (s *Service) RemoveRoleUser(ctx context.Context, roleID, userID string) error {
	return s.unassign(ctx, s.Store.RemoveUserRole(ctx, userID, roleID), roleID, "user", userID)
}

// unassign names what was not found when a removal touched nothing.
func (s *Service) unassign(ctx context.Context, err error, roleID, entity, id string) error {
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if _, gerr := s.Store.GetRole(ctx, roleID); gerr != nil {
		return notFound(gerr, "role", roleID)
	}
	return &NotFoundError{Entity: entity, ID: id}
}

// ListRoleUsers returns a page of the role's users matching search.
func (s *Service) ListRoleUsers(ctx context.Context, roleID, search string, page store.Page) ([]*store.User, int64, error) {
	if _, err := s.GetRole(ctx, roleID); err != nil {
		return nil, 0, err
	}
	return s.Store.ListRoleUsers(ctx, roleID, search, page)
}

// AssignRoleApplications gives a MachineToMachine role to applications.
// One that has it already is a Conflict (role.application_exists).
func (s *Service) AssignRoleApplications(ctx context.Context, roleID string, appIDs []string) error {
	if err := nonEmptyIDs("applicationIds", appIDs); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx store.Store) error {
		r, err := tx.GetRole(ctx, roleID)
		if err != nil {
			return notFound(err, "role", roleID)
		}
		if r.Type != store.RoleMachineToMachine {
			return errAppRoleType
		}
		for _, aid := range dedupe(appIDs) {
			if err := m2mApplication(ctx, tx, aid); err != nil {
				return err
			}
			err := tx.AddApplicationRoles(ctx, aid, []string{roleID})
			if errors.Is(err, store.ErrConflict) {
				return conflict("role.application_exists", "The application id "+aid+" is already been added to this role.", map[string]string{"applicationId": aid})
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// RemoveRoleApplication takes the role from an application.
func (s *Service) RemoveRoleApplication(ctx context.Context, roleID, appID string) error {
	return s.unassign(ctx, s.Store.RemoveApplicationRole(ctx, appID, roleID), roleID, "application", appID)
}

// ListRoleApplications returns a page of the role's applications whose
// name contains search.
func (s *Service) ListRoleApplications(ctx context.Context, roleID, search string, page store.Page) ([]*store.Application, int64, error) {
	if _, err := s.GetRole(ctx, roleID); err != nil {
		return nil, 0, err
	}
	return s.Store.ListRoleApplications(ctx, roleID, search, page)
}

func m2mApplication(ctx context.Context, st store.Store, appID string) error {
	app, err := st.GetApplication(ctx, appID)
	if err != nil {
		return notFound(err, "application", appID)
	}
	if app.Type != store.AppMachineToMachine {
		return errAppType
	}
	return nil
}

// subject is a user or an application, as seen by the role assignments.
type subject struct {
	roleType store.RoleType
	typeErr  error
	check    func(ctx context.Context, st store.Store, id string) error
	filter   func(id string) store.RoleFilter
	add      func(ctx context.Context, st store.Store, id string, roleIDs []string) error
	remove   func(ctx context.Context, st store.Store, id, roleID string) error
}

var (
	userSubject = subject{roleType: store.RoleUser, typeErr: errUserRoleType,
		check: func(ctx context.Context, st store.Store, id string) error {
			_, err := st.GetUser(ctx, id)
			return notFound(err, "user", id)
		},
		filter: func(id string) store.RoleFilter { return store.RoleFilter{UserID: id} },
		add: func(ctx context.Context, st store.Store, id string, roleIDs []string) error {
			return st.AddUserRoles(ctx, id, roleIDs)
		},
		remove: func(ctx context.Context, st store.Store, id, roleID string) error {
			return st.RemoveUserRole(ctx, id, roleID)
		},
	}
	appSubject = subject{roleType: store.RoleMachineToMachine, typeErr: errAppRoleType,
		check:  m2mApplication,
		filter: func(id string) store.RoleFilter { return store.RoleFilter{ApplicationID: id} },
		add: func(ctx context.Context, st store.Store, id string, roleIDs []string) error {
			return st.AddApplicationRoles(ctx, id, roleIDs)
		},
		remove: func(ctx context.Context, st store.Store, id, roleID string) error {
			return st.RemoveApplicationRole(ctx, id, roleID)
		},
	}
)

// AddUserRoles gives a user roles and returns the ids of those it did not
// have (the others are left as they are, as Logto does).
func (s *Service) AddUserRoles(ctx context.Context, userID string, roleIDs []string) ([]string, error) {
	return s.addRoles(ctx, userSubject, userID, roleIDs, false)
}

// SetUserRoles makes the user's roles exactly roleIDs.
func (s *Service) SetUserRoles(ctx context.Context, userID string, roleIDs []string) error {
	_, err := s.addRoles(ctx, userSubject, userID, roleIDs, true)
	return err
}

// RemoveUserRole takes a role from a user.
func (s *Service) RemoveUserRole(ctx context.Context, userID, roleID string) error {
	return s.removeRole(ctx, userSubject, userID, roleID)
}

// ListUserRoles returns a page of the user's roles matching search.
func (s *Service) ListUserRoles(ctx context.Context, userID, search string, page store.Page) ([]*store.Role, int64, error) {
	return s.listRoles(ctx, userSubject, userID, search, page)
}

// AddApplicationRoles, SetApplicationRoles, RemoveApplicationRole and
// ListApplicationRoles are the same for a machine-to-machine application.
func (s *Service) AddApplicationRoles(ctx context.Context, appID string, roleIDs []string) ([]string, error) {
	return s.addRoles(ctx, appSubject, appID, roleIDs, false)
}

func (s *Service) SetApplicationRoles(ctx context.Context, appID string, roleIDs []string) error {
	_, err := s.addRoles(ctx, appSubject, appID, roleIDs, true)
	return err
}

func (s *Service) RemoveApplicationRole(ctx context.Context, appID, roleID string) error {
	return s.removeRole(ctx, appSubject, appID, roleID)
}

func (s *Service) ListApplicationRoles(ctx context.Context, appID, search string, page store.Page) ([]*store.Role, int64, error) {
	return s.listRoles(ctx, appSubject, appID, search, page)
}

func (s *Service) addRoles(ctx context.Context, sub subject, id string, roleIDs []string, replace bool) ([]string, error) {
	// An empty list is allowed: PUT [] removes every role.
	if err := noEmptyIDs("roleIds", roleIDs).Err(); err != nil {
		return nil, err
	}
	roleIDs = dedupe(roleIDs)
	var added []string
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		if err := sub.check(ctx, tx, id); err != nil {
			return err
		}
		held, _, err := tx.ListRoles(ctx, sub.filter(id), store.Page{})
		if err != nil {
			return err
		}
		roles, err := tx.GetRoles(ctx, roleIDs)
		if err != nil {
			return err
		}
		added = []string{}
		for _, rid := range roleIDs {
			i := slices.IndexFunc(roles, func(r *store.Role) bool { return r.ID == rid })
			if i < 0 {
				return &NotFoundError{Entity: "role", ID: rid}
			}
			if roles[i].Type != sub.roleType {
				return sub.typeErr
			}
			if !slices.ContainsFunc(held, func(r *store.Role) bool { return r.ID == rid }) {
				added = append(added, rid)
			}
		}
		if replace {
			for _, h := range held {
				if !slices.Contains(roleIDs, h.ID) {
					if err := sub.remove(ctx, tx, id, h.ID); err != nil {
						return err
					}
				}
			}
		}
		if len(added) == 0 {
			return nil
		}
		return sub.add(ctx, tx, id, added)
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

func (s *Service) removeRole(ctx context.Context, sub subject, id, roleID string) error {
	return s.Store.InTx(ctx, func(tx store.Store) error {
		if err := sub.check(ctx, tx, id); err != nil {
			return err
		}
		return notFound(sub.remove(ctx, tx, id, roleID), "role", roleID)
	})
}

func (s *Service) listRoles(ctx context.Context, sub subject, id, search string, page store.Page) ([]*store.Role, int64, error) {
	if err := sub.check(ctx, s.Store, id); err != nil {
		return nil, 0, err
	}
	f := sub.filter(id)
	f.Search, f.Type = search, sub.roleType
	return s.Store.ListRoles(ctx, f, page)
}
