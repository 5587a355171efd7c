// The Azure Bot registration: Teams sends activities for this app id to the web app's /api/messages.
// Its identity is the user-assigned managed identity, so there is no client secret to store or rotate.

@description('Globally unique bot handle.')
param name string

@description('Display name shown in Teams.')
param displayName string

@description('Tags for every resource.')
param tags object

@description('Bot pricing tier (Teams is a standard channel: unlimited messages on F0 as well).')
@allowed([
  'F0'
  'S1'
])
param skuName string

@description('Messaging endpoint, https://<app>/api/messages.')
param endpoint string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity (the bot app id).')
param identityClientId string

@description('Tenant of the identity.')
param identityTenantId string

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  // Azure Bot registrations are global resources.
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: skuName
  }
  properties: {
    displayName: displayName
    endpoint: endpoint
    msaAppType: 'UserAssignedMSI'
    msaAppId: identityClientId
    msaAppTenantId: identityTenantId
    msaAppMSIResourceId: identityId
    publicNetworkAccess: 'Enabled'
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
    }
  }
}

@description('Bot handle.')
output name string = bot.name

@description('Messaging endpoint registered with the bot.')
output endpoint string = bot.properties.endpoint
