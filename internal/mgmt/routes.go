package mgmt

import (
	"net/http"
)

// route is one Management API operation. The table in routes() both
// registers the handlers (Routes) and produces the OpenAPI document
// (GET /api/swagger.json), so the two cannot drift.
type route struct {
	Method  string
	Path    string // ServeMux path, with the /api prefix and {param}s
	ID      string // operationId
	Summary string
	Tag     string
	// Request is the components.schemas name of the JSON request body, or "".
	Request string
	// Response is the components.schemas name of the success body ("[]Name"
	// for an array of them), or "" for no body.
	Response string
	Status   int  // success status
	Auth     bool // behind the bearer-token check
	Handler  func(http.ResponseWriter, *http.Request) error
}

// routes is the table of the routes this API serves, given its options.
func (a *API) routes() []route {
	auth := func(method, path, id, summary, tag, req, resp string, status int, f func(http.ResponseWriter, *http.Request) error) route {
		return route{Method: method, Path: path, ID: id, Summary: summary, Tag: tag, Request: req,
			Response: resp, Status: status, Auth: true, Handler: f}
	}
	rs := []route{
		{Method: "GET", Path: "/api/swagger.json", ID: "GetSwaggerJson", Summary: "Get the OpenAPI document of the Management API",
			Tag: "General", Response: "OpenAPIDocument", Status: 200, Handler: a.getSwagger},

		auth("GET", "/api/sign-in-exp", "GetSignInExp", "Get the sign-in experience", "Sign-in experience", "", "SignInExperience", 200, a.getSignInExp),
		auth("PATCH", "/api/sign-in-exp", "UpdateSignInExp", "Update the sign-in experience (partial)", "Sign-in experience", "SignInExperiencePatch", "SignInExperience", 200, a.patchSignInExp),

		auth("GET", "/api/connector-factories", "ListConnectorFactories", "List connector factories", "Connector factories", "", "[]ConnectorFactory", 200, a.listFactories),
		auth("GET", "/api/connector-factories/{id}", "GetConnectorFactory", "Get a connector factory", "Connector factories", "", "ConnectorFactory", 200, a.getFactory),
	}
	if a.o.Connectors != nil {
		rs = append(rs,
			auth("GET", "/api/connectors", "ListConnectors", "List connectors", "Connectors", "", "[]Connector", 200, a.listConnectors),
			auth("POST", "/api/connectors", "CreateConnector", "Create a connector", "Connectors", "ConnectorCreate", "Connector", 200, a.createConnector),
			auth("GET", "/api/connectors/{id}", "GetConnector", "Get a connector", "Connectors", "", "Connector", 200, a.getConnector),
			auth("PATCH", "/api/connectors/{id}", "UpdateConnector", "Update a connector (config merged and validated, metadata, syncProfile)", "Connectors", "ConnectorPatch", "Connector", 200, a.patchConnector),
			auth("DELETE", "/api/connectors/{id}", "DeleteConnector", "Delete a connector", "Connectors", "", "", 204, a.deleteConnector),
		)
	}
	if a.o.Verification != nil {
		rs = append(rs, auth("POST", "/api/connectors/test-message", "SendTestMessage",
			"Send a test email or SMS through the email or SMS connector (Monban's route)", "Connectors", "TestMessage", "", 204, a.sendTestMessage))
	}
	rs = append(rs,
		auth("GET", "/api/applications", "ListApplications", "List applications", "Applications", "", "[]Application", 200, a.listApplications),
		auth("POST", "/api/applications", "CreateApplication", "Create an application", "Applications", "ApplicationCreate", "Application", 200, a.createApplication),
		auth("GET", "/api/applications/{id}", "GetApplication", "Get an application", "Applications", "", "Application", 200, a.getApplication),
		auth("PATCH", "/api/applications/{id}", "UpdateApplication", "Update an application", "Applications", "ApplicationPatch", "Application", 200, a.patchApplication),
		auth("DELETE", "/api/applications/{id}", "DeleteApplication", "Delete an application", "Applications", "", "", 204, a.deleteApplication),
		auth("PATCH", "/api/applications/{id}/custom-data", "UpdateApplicationCustomData", "Merge into an application's custom data", "Applications", "CustomData", "CustomData", 200, a.patchApplicationCustomData),
		auth("GET", "/api/applications/{id}/secrets", "ListApplicationSecrets", "List an application's secrets", "Applications", "", "[]ApplicationSecret", 200, a.listSecrets),
		auth("POST", "/api/applications/{id}/secrets", "CreateApplicationSecret", "Add a secret to an application", "Applications", "ApplicationSecretCreate", "ApplicationSecret", 201, a.createSecret),
		auth("DELETE", "/api/applications/{id}/secrets/{name}", "DeleteApplicationSecret", "Delete an application secret", "Applications", "", "", 204, a.deleteSecret),

		auth("GET", "/api/users", "ListUsers", "List users", "Users", "", "[]User", 200, a.listUsers),
		auth("POST", "/api/users", "CreateUser", "Create a user", "Users", "UserCreate", "User", 200, a.createUser),
		auth("POST", "/api/users/import", "ImportUsers", "Create many users at once, all or nothing (Monban)", "Users", "UserImport", "UserImportResult", 200, a.importUsers),
		auth("GET", "/api/users/{id}", "GetUser", "Get a user", "Users", "", "User", 200, a.getUser),
		auth("PATCH", "/api/users/{id}", "UpdateUser", "Update a user", "Users", "UserPatch", "User", 200, a.patchUser),
		auth("DELETE", "/api/users/{id}", "DeleteUser", "Delete a user", "Users", "", "", 204, a.deleteUser),
		auth("PATCH", "/api/users/{id}/password", "UpdateUserPassword", "Set a user's password", "Users", "UserPassword", "User", 200, a.setPassword),
		auth("POST", "/api/users/{id}/password/verify", "VerifyUserPassword", "Check a user's password", "Users", "UserPassword", "", 204, a.verifyPassword),
		auth("GET", "/api/users/{id}/custom-data", "ListUserCustomData", "Get a user's custom data", "Users", "", "CustomData", 200, a.getCustomData),
		auth("PATCH", "/api/users/{id}/custom-data", "UpdateUserCustomData", "Merge into a user's custom data", "Users", "UserCustomDataPatch", "CustomData", 200, a.patchCustomData),
		auth("PATCH", "/api/users/{id}/is-suspended", "UpdateUserIsSuspended", "Suspend or reinstate a user", "Users", "UserSuspension", "User", 200, a.setSuspended),
		auth("DELETE", "/api/users/{id}/identities/{target}", "DeleteUserIdentity", "Unlink a social identity from a user", "Users", "", "User", 200, a.deleteIdentity),
	)
	if a.o.RBAC != nil {
		rs = append(rs,
			auth("GET", "/api/resources", "ListResources", "List API resources", "Resources", "", "[]Resource", 200, a.listResources),
			auth("POST", "/api/resources", "CreateResource", "Create an API resource", "Resources", "ResourceCreate", "Resource", 201, a.createResource),
			auth("GET", "/api/resources/{id}", "GetResource", "Get an API resource", "Resources", "", "Resource", 200, a.getResource),
		)
		rs = append(rs, a.rbacRoutes(auth)...)
	}
	if a.o.Audit != nil {
		rs = append(rs,
			auth("GET", "/api/logs", "ListLogs", "List audit log entries (userId, applicationId, logKey; newest first)", "Audit logs", "", "[]Log", 200, a.getLogs),
			auth("GET", "/api/logs/{id}", "GetLog", "Get an audit log entry", "Audit logs", "", "Log", 200, a.getLog),
			auth("GET", "/api/users/{userId}/logs", "ListUserLogs", "List a user's audit log entries", "Audit logs", "", "[]Log", 200, a.getUserLogs),
		)
	}
	return rs
}

// Routes registers every route of the table under /api, each behind the
// bearer-token check except the OpenAPI document (public, as in Logto).
func (a *API) Routes(mux interface{ Handle(string, http.Handler) }) {
	for _, rt := range a.routes() {
		h := a.handle(rt.Handler)
		if rt.Auth && isWrite(rt.Method) && a.o.Audit != nil {
			h = a.audited(rt, h)
		}
		if rt.Auth {
			h = a.authenticated(h)
		}
		mux.Handle(rt.Method+" "+rt.Path, h)
	}
}
