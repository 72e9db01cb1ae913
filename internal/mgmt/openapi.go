package mgmt

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/monban-dev/monban/internal/server"
)

// apiVersion is the version in the OpenAPI document's info.
const apiVersion = "1.0.0"

// GET /api/swagger.json: the OpenAPI 3.0.3 document of the routes this API
// serves, built from the same table that registers them.
func (a *API) getSwagger(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, a.openAPI())
	return nil
}

// endpoint is the public endpoint: the issuer without its /oidc.
func (a *API) endpoint() string {
	return strings.TrimSuffix(a.o.Issuer, "/oidc")
}

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func schemaRef(name string) obj {
	if n, ok := strings.CutPrefix(name, "[]"); ok {
		return obj{"type": "array", "items": ref(n)}
	}
	return ref(name)
}

func jsonContent(schema obj) obj { return obj{"application/json": obj{"schema": schema}} }

var errorDescriptions = map[int]string{
	400: "Invalid input (guard.invalid_input, naming the fields)",
	401: "Missing, invalid or expired access token (auth.unauthorized)",
	403: "The token lacks the scope all or its application lost Management API access (auth.forbidden)",
	404: "No entity with that id (entity.not_exists_with_id)",
	409: "A unique name or identifier is taken (e.g. user.username_already_in_use), or the entity kept changing under concurrent updates (entity.concurrent_update)",
	422: "The request conflicts with existing data or cannot be processed",
}

// openAPI builds the document.
func (a *API) openAPI() obj {
	paths := obj{}
	tagSet := map[string]bool{}
	for _, rt := range a.routes() {
		tagSet[rt.Tag] = true
		responses := obj{}
		ok := obj{"description": http.StatusText(rt.Status)}
		if rt.Response != "" {
			ok["content"] = jsonContent(schemaRef(rt.Response))
		}
		responses[strconv.Itoa(rt.Status)] = ok
		errs := []int{}
		if rt.Request != "" {
			errs = append(errs, 400, 409, 422)
		} else if rt.Method == "PATCH" {
			errs = append(errs, 409)
		}
		if rt.Auth {
			errs = append(errs, 401, 403)
		}
		params := server.PatternParams(rt.Path)
		if len(params) > 0 {
			errs = append(errs, 404)
		}
		for _, code := range errs {
			responses[strconv.Itoa(code)] = obj{"description": errorDescriptions[code], "content": jsonContent(ref("Error"))}
		}
		op := obj{
			"operationId": rt.ID,
			"summary":     rt.Summary,
			"tags":        []string{rt.Tag},
			"responses":   responses,
		}
		if rt.Auth {
			op["security"] = []obj{{"bearerAuth": []string{}}}
		} else {
			op["security"] = []obj{}
		}
		if len(params) > 0 {
			ps := make([]obj, len(params))
			for i, p := range params {
				ps[i] = obj{"name": p, "in": "path", "required": true, "schema": obj{"type": "string"}}
			}
			op["parameters"] = ps
		}
		if rt.Request != "" {
			op["requestBody"] = obj{"required": true, "content": jsonContent(ref(rt.Request))}
		}
		item, _ := paths[rt.Path].(obj)
		if item == nil {
			item = obj{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	tagNames := make([]string, 0, len(tagSet))
	for t := range tagSet {
		tagNames = append(tagNames, t)
	}
	sort.Strings(tagNames)
	tags := make([]obj, len(tagNames))
	for i, t := range tagNames {
		tags[i] = obj{"name": t}
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":       "Monban Management API",
			"version":     apiVersion,
			"description": "Logto-compatible Management API. Authenticate with a client_credentials access token for the resource " + Indicator + " with the scope " + ScopeAll + ".",
		},
		"servers":  []obj{{"url": a.endpoint()}},
		"tags":     tags,
		"paths":    paths,
		"security": []obj{{"bearerAuth": []string{}}},
		"components": obj{
			"securitySchemes": obj{
				"bearerAuth": obj{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
			},
			"schemas": withSchemas(schemas(), rbacSchemas()),
		},
	}
}

func object(props obj, required ...string) obj {
	o := obj{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var (
	str      = obj{"type": "string"}
	nullStr  = obj{"type": "string", "nullable": true}
	boolean  = obj{"type": "boolean"}
	integer  = obj{"type": "integer", "format": "int64"}
	anyObj   = obj{"type": "object", "additionalProperties": true}
	strList  = obj{"type": "array", "items": str}
	appTypes = obj{"type": "string", "enum": []string{"Traditional", "SPA", "Native", "MachineToMachine"}}
)

func schemas() obj {
	oidcMeta := object(obj{"redirectUris": strList, "postLogoutRedirectUris": strList})
	customMeta := object(obj{"corsAllowedOrigins": strList})
	userCreate := object(obj{
		"username": str, "password": str, "primaryEmail": str, "primaryPhone": str,
		"name": str, "avatar": str, "customData": anyObj, "profile": anyObj,
		"passwordDigest":    obj{"type": "string", "maxLength": 256, "description": "an existing hash, instead of password"},
		"passwordAlgorithm": obj{"type": "string", "enum": []string{"Argon2id", "Argon2i", "Bcrypt", "SHA256", "SHA1", "MD5"}},
	})
	return obj{
		"Error": object(obj{
			"message": str,
			"code":    str,
			"data":    obj{"nullable": true, "description": "details, e.g. {issues: [{field, code, message}]} for guard.invalid_input"},
		}, "message", "code", "data"),
		"OpenAPIDocument":       anyObj,
		"SignInExperience":      anyObj,
		"SignInExperiencePatch": anyObj,
		"ConnectorFactory": object(obj{
			"id": str, "target": str, "type": str, "platform": nullStr, "name": anyObj, "description": anyObj,
			"logo": str, "logoDark": nullStr, "readme": str, "isStandard": boolean,
			"formItems": obj{"type": "array", "items": anyObj},
		}, "id"),
		"Connector": object(obj{
			"id": str, "connectorId": str, "target": str, "type": str, "platform": nullStr,
			"name": anyObj, "description": anyObj, "logo": str, "logoDark": nullStr, "readme": str,
			"isStandard": boolean, "formItems": obj{"type": "array", "items": anyObj},
			"config": anyObj, "metadata": anyObj, "syncProfile": boolean, "enabled": boolean,
			"createdAt": integer, "updatedAt": integer,
		}, "id", "connectorId"),
		"ConnectorCreate": object(obj{
			"connectorId": str, "config": anyObj, "metadata": anyObj, "syncProfile": boolean,
		}, "connectorId"),
		"ConnectorPatch": object(obj{"config": anyObj, "metadata": anyObj, "syncProfile": boolean}),
		"Application": object(obj{
			"id": str, "name": str, "secret": str, "description": nullStr, "type": appTypes,
			"oidcClientMetadata": oidcMeta, "customClientMetadata": customMeta,
			"protectedAppMetadata": obj{"nullable": true}, "customData": anyObj,
			"isThirdParty": boolean, "createdAt": integer,
		}, "id", "name", "type"),
		"ApplicationCreate": object(obj{
			"name": str, "type": appTypes, "description": nullStr,
			"oidcClientMetadata": oidcMeta, "customClientMetadata": customMeta,
			"isThirdParty": boolean, "customData": anyObj,
		}, "name", "type"),
		"ApplicationPatch": object(obj{
			"name": str, "description": nullStr,
			"oidcClientMetadata": oidcMeta, "customClientMetadata": customMeta, "customData": anyObj,
		}),
		"ApplicationSecret": object(obj{
			"applicationId": str, "name": str, "value": str, "createdAt": integer,
			"expiresAt": obj{"type": "integer", "format": "int64", "nullable": true},
		}, "applicationId", "name"),
		"ApplicationSecretCreate": object(obj{
			"name": str, "expiresAt": obj{"type": "integer", "format": "int64", "nullable": true},
		}, "name"),
		"User": object(obj{
			"id": str, "username": nullStr, "primaryEmail": nullStr, "primaryPhone": nullStr,
			"name": nullStr, "avatar": nullStr, "customData": anyObj, "identities": anyObj,
			"profile": anyObj, "isSuspended": boolean, "applicationId": nullStr,
			"hasPassword": boolean, "createdAt": integer, "updatedAt": integer, "lastSignInAt": obj{"type": "integer", "format": "int64", "nullable": true},
		}, "id"),
		"UserCreate":       userCreate,
		"UserImport":       object(obj{"users": obj{"type": "array", "maxItems": maxImport, "items": userCreate}}, "users"),
		"UserImportResult": object(obj{"imported": integer, "ids": strList}, "imported", "ids"),
		"UserPatch": object(obj{
			"username": nullStr, "primaryEmail": nullStr, "primaryPhone": nullStr,
			"name": nullStr, "avatar": nullStr, "customData": anyObj, "profile": anyObj,
		}),
		"UserPassword":        object(obj{"password": str}, "password"),
		"UserCustomDataPatch": object(obj{"customData": anyObj}, "customData"),
		"UserSuspension":      object(obj{"isSuspended": boolean}, "isSuspended"),
		"TestMessage":         object(obj{"email": str, "phone": str, "locale": str}),
		"CustomData":          anyObj,
		"Resource": object(obj{
			"id": str, "name": str, "indicator": str, "isDefault": boolean, "accessTokenTtl": integer,
		}, "id", "name", "indicator"),
		"ResourceCreate": object(obj{"name": str, "indicator": str, "accessTokenTtl": integer}, "name", "indicator"),
		"Log":            logSchema(),
	}
}
