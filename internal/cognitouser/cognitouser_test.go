package cognitouser

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/events"
)

func TestFromUserType(t *testing.T) {
	created := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	modified := created.Add(time.Hour)
	tests := []struct {
		name     string
		in       *types.UserType
		want     events.User
		wantJSON string
	}{
		{
			name: "every field",
			in: &types.UserType{
				Username: aws.String("alice"), Enabled: true, UserStatus: types.UserStatusTypeConfirmed,
				UserCreateDate: &created, UserLastModifiedDate: &modified,
				Attributes: []types.AttributeType{{Name: aws.String("sub"), Value: aws.String("dd3f707b-0b74-4448-8d1b-7ec65b2bd138")}, {Name: aws.String("email"), Value: aws.String("alice@example.com")}},
				MFAOptions: []types.MFAOptionType{{AttributeName: aws.String("phone_number"), DeliveryMedium: types.DeliveryMediumTypeSms}},
			},
			want: events.User{
				Username: "alice", Enabled: true, UserStatus: "CONFIRMED", UserCreateDate: &created, UserLastModifiedDate: &modified,
				Attributes: []events.UserAttribute{{Name: "sub", Value: "dd3f707b-0b74-4448-8d1b-7ec65b2bd138"}, {Name: "email", Value: "alice@example.com"}},
				MFAOptions: []events.MFAOption{{AttributeName: "phone_number", DeliveryMedium: "SMS"}},
			},
			wantJSON: `{"Attributes":[{"Name":"sub","Value":"dd3f707b-0b74-4448-8d1b-7ec65b2bd138"},{"Name":"email","Value":"alice@example.com"}],"Enabled":true,"MFAOptions":[{"AttributeName":"phone_number","DeliveryMedium":"SMS"}],"UserCreateDate":"2025-01-02T03:04:05Z","UserLastModifiedDate":"2025-01-02T04:04:05Z","UserStatus":"CONFIRMED","Username":"alice"}`,
		},
		{
			name:     "absent lists stay null",
			in:       &types.UserType{Username: aws.String("bob"), UserStatus: types.UserStatusTypeForceChangePassword},
			want:     events.User{Username: "bob", UserStatus: "FORCE_CHANGE_PASSWORD"},
			wantJSON: `{"Attributes":null,"Enabled":false,"MFAOptions":null,"UserCreateDate":null,"UserLastModifiedDate":null,"UserStatus":"FORCE_CHANGE_PASSWORD","Username":"bob"}`,
		},
		{
			name:     "empty lists stay empty",
			in:       &types.UserType{Username: aws.String("carol"), Attributes: []types.AttributeType{}, MFAOptions: []types.MFAOptionType{}},
			want:     events.User{Username: "carol", Attributes: []events.UserAttribute{}, MFAOptions: []events.MFAOption{}},
			wantJSON: `{"Attributes":[],"Enabled":false,"MFAOptions":[],"UserCreateDate":null,"UserLastModifiedDate":null,"UserStatus":"","Username":"carol"}`,
		},
		{
			name:     "nil pointers inside",
			in:       &types.UserType{Attributes: []types.AttributeType{{}}, MFAOptions: []types.MFAOptionType{{}}},
			want:     events.User{Attributes: []events.UserAttribute{{}}, MFAOptions: []events.MFAOption{{}}},
			wantJSON: `{"Attributes":[{"Name":"","Value":""}],"Enabled":false,"MFAOptions":[{"AttributeName":"","DeliveryMedium":""}],"UserCreateDate":null,"UserLastModifiedDate":null,"UserStatus":"","Username":""}`,
		},
		{
			name:     "nil record",
			in:       nil,
			want:     events.User{},
			wantJSON: `{"Attributes":null,"Enabled":false,"MFAOptions":null,"UserCreateDate":null,"UserLastModifiedDate":null,"UserStatus":"","Username":""}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromUserType(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("FromUserType = %+v, want %+v", got, tt.want)
			}
			b, err := json.Marshal(&got)
			if err != nil {
				t.Fatalf("encoding: %v", err)
			}
			if string(b) != tt.wantJSON {
				t.Errorf("JSON = %s\nwant   %s", b, tt.wantJSON)
			}
			if tt.in == nil {
				return
			}
			// AdminGetUser answers the same record in other field names:
			// both must convert alike.
			admin := FromAdminGetUser(&cip.AdminGetUserOutput{
				Username: tt.in.Username, UserAttributes: tt.in.Attributes, Enabled: tt.in.Enabled, MFAOptions: tt.in.MFAOptions,
				UserCreateDate: tt.in.UserCreateDate, UserLastModifiedDate: tt.in.UserLastModifiedDate, UserStatus: tt.in.UserStatus,
			})
			if !reflect.DeepEqual(admin, got) {
				t.Errorf("FromAdminGetUser = %+v, FromUserType = %+v", admin, got)
			}
		})
	}
}

func TestFromAdminGetUserNil(t *testing.T) {
	if got := FromAdminGetUser(nil); !reflect.DeepEqual(got, events.User{}) {
		t.Fatalf("FromAdminGetUser(nil) = %+v, want the zero User", got)
	}
}
