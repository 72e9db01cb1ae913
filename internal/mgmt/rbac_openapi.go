package mgmt

import "maps"

// withSchemas adds more component schemas to base.
func withSchemas(base obj, more ...obj) obj {
	for _, m := range more {
		maps.Copy(base, m)
	}
	return base
}

// rbacSchemas are the component schemas of the RBAC routes (roles.go,
// scopes.go), in Logto's shapes.
func rbacSchemas() obj {
	resource := object(obj{
		"id": str, "name": str, "indicator": str, "isDefault": boolean, "accessTokenTtl": integer,
	}, "id", "name", "indicator")
	scope := obj{
		"id": str, "resourceId": str, "name": str, "description": nullStr, "createdAt": integer,
	}
	role := obj{
		"id": str, "name": str, "description": str,
		"type":      obj{"type": "string", "enum": []string{"User", "MachineToMachine"}},
		"isDefault": boolean,
	}
	ids := func(name string) obj {
		return object(obj{name: obj{"type": "array", "minItems": 1, "items": str}}, name)
	}
	listItem := maps.Clone(role)
	maps.Copy(listItem, obj{
		"usersCount": integer, "applicationsCount": integer,
		"featuredUsers":        obj{"type": "array", "items": object(obj{"id": str, "avatar": nullStr, "name": nullStr})},
		"featuredApplications": obj{"type": "array", "items": object(obj{"id": str, "name": str, "type": appTypes})},
	})
	withResource := maps.Clone(scope)
	withResource["resource"] = resource
	return obj{
		"ResourcePatch":      object(obj{"name": str, "accessTokenTtl": integer}),
		"ResourceIsDefault":  object(obj{"isDefault": boolean}, "isDefault"),
		"Scope":              object(scope, "id", "resourceId", "name"),
		"ScopeWithResource":  object(withResource, "id", "resourceId", "name", "resource"),
		"ScopeCreate":        object(obj{"name": obj{"type": "string", "pattern": `^\S+$`}, "description": str}, "name"),
		"ScopePatch":         object(obj{"name": obj{"type": "string", "pattern": `^\S+$`}, "description": str}),
		"Role":               object(role, "id", "name", "description", "type", "isDefault"),
		"RoleListItem":       object(listItem, "id", "name", "type"),
		"RoleCreate":         object(obj{"name": str, "description": str, "type": role["type"], "isDefault": boolean, "scopeIds": strList}, "name", "description"),
		"RolePatch":          object(obj{"name": str, "description": str, "isDefault": boolean}),
		"RoleScopeIDs":       ids("scopeIds"),
		"RoleUserIDs":        ids("userIds"),
		"RoleApplicationIDs": ids("applicationIds"),
		"RoleIDs":            object(obj{"roleIds": strList}, "roleIds"),
		"RoleAssignment":     object(obj{"roleIds": strList, "addedRoleIds": strList}, "roleIds"),
	}
}
