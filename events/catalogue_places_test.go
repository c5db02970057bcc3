package events

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestIDPlacesMatchSDK: an API operation's request carries the pool id
// (the client id) exactly when the pinned SDK's input for it has a
// UserPoolId (ClientId) member.
func TestIDPlacesMatchSDK(t *testing.T) {
	client := reflect.TypeOf(&cognitoidentityprovider.Client{})
	checked := 0
	for _, op := range Operations() {
		if op.HostedUI {
			continue
		}
		m, ok := client.MethodByName(op.Name)
		if !ok || m.Type.NumIn() != 4 {
			t.Errorf("%s: no such SDK method", op.Name)
			continue
		}
		in := m.Type.In(2).Elem()
		_, pool := in.FieldByName("UserPoolId")
		_, cl := in.FieldByName("ClientId")
		if got := hasPlace(op.PoolIDPlaces(), PlaceRequestPoolID); got != pool {
			t.Errorf("%s: request pool id place %v, SDK input has UserPoolId %v", op.Name, got, pool)
		}
		if got := hasPlace(op.ClientIDPlaces(), PlaceRequestClientID); got != cl {
			t.Errorf("%s: request client id place %v, SDK input has ClientId %v", op.Name, got, cl)
		}
		checked++
	}
	if checked < 100 {
		t.Fatalf("checked only %d API operations", checked)
	}
}

func hasPlace(ps []Place, p Place) bool {
	for _, q := range ps {
		if reflect.DeepEqual(q, p) {
			return true
		}
	}
	return false
}
