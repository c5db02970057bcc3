package cognitouser

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-events/cognito-events/events"
)

// FromUserType converts a user of ListUsers (or AdminCreateUser). A nil
// record gives the zero User.
func FromUserType(u *types.UserType) events.User {
	if u == nil {
		return events.User{}
	}
	return convert(u.Username, u.Attributes, u.Enabled, u.MFAOptions, u.UserCreateDate, u.UserLastModifiedDate, u.UserStatus)
}

// FromAdminGetUser converts the answer of AdminGetUser. A nil answer gives
// the zero User.
func FromAdminGetUser(o *cip.AdminGetUserOutput) events.User {
	if o == nil {
		return events.User{}
	}
	return convert(o.Username, o.UserAttributes, o.Enabled, o.MFAOptions, o.UserCreateDate, o.UserLastModifiedDate, o.UserStatus)
}

func convert(username *string, attrs []types.AttributeType, enabled bool, mfa []types.MFAOptionType, created, modified *time.Time, status types.UserStatusType) events.User {
	u := events.User{
		Username:             aws.ToString(username),
		Enabled:              enabled,
		UserStatus:           string(status),
		UserCreateDate:       created,
		UserLastModifiedDate: modified,
	}
	if attrs != nil {
		u.Attributes = make([]events.UserAttribute, 0, len(attrs))
		for _, a := range attrs {
			u.Attributes = append(u.Attributes, events.UserAttribute{Name: aws.ToString(a.Name), Value: aws.ToString(a.Value)})
		}
	}
	if mfa != nil {
		u.MFAOptions = make([]events.MFAOption, 0, len(mfa))
		for _, o := range mfa {
			u.MFAOptions = append(u.MFAOptions, events.MFAOption{AttributeName: aws.ToString(o.AttributeName), DeliveryMedium: string(o.DeliveryMedium)})
		}
	}
	return u
}
