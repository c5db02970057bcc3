package events

// catalogue is the single source of truth for which Cognito user-pool
// operations exist. Keep it sorted by Category, then Name.
var catalogue = []Operation{
	{Name: "CreateUserPoolClient", Resource: KindClient, Category: CategoryAppClients},
	{Name: "DeleteUserPoolClient", Resource: KindClient, Category: CategoryAppClients},
	{Name: "DescribeUserPoolClient", Resource: KindClient, ReadOnly: true, Category: CategoryAppClients},
	{Name: "UpdateUserPoolClient", Resource: KindClient, Category: CategoryAppClients},
	{Name: "AdminCreateUser", Resource: KindUser, Category: CategoryUsers},
	{Name: "Token_POST", Resource: KindClient, HostedUI: true, Category: CategoryHostedUI},
}
